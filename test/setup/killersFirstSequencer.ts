import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The test-file order for the mutation run (vitest.mutation.config.ts). Stryker stops a mutant's
 * run at its first failing test, so the order decides the cost: a file that failed the last run
 * (it likely kills this mutant too, the next one in the same code) goes first, then the quickest
 * files. Vitest's own order runs the longest files first, which suits parallel runs, not bail.
 *
 * @example
 * defineConfig({ test: { sequence: { sequencer: KillersFirstSequencer } } })
 */
export class KillersFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache
    const state = (file: TestSpecification) =>
      cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`)
    const rank = (file: TestSpecification) => {
      const result = state(file)
      return [result?.failed ? 0 : 1, result?.duration ?? Number.POSITIVE_INFINITY] as const
    }
    return [...files].sort((a, b) => {
      const [failedA, durationA] = rank(a)
      const [failedB, durationB] = rank(b)
      return failedA - failedB || durationA - durationB || a.moduleId.localeCompare(b.moduleId)
    })
  }
}
