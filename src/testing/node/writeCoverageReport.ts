import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { AnyStateMachine } from 'xstate'
import { authMachine } from '../../../machines/authMachine.js'
import { type ChartCoverage, coverageReportHtml } from '../coverageReportHtml.js'

/**
 * Writes {@link coverageReportHtml} to `path` (its folder created if missing) and returns the path.
 * Its inputs are plain sets of keys, so any runner can call it.
 *
 * @example
 * import { recordCoverage } from 'authchart/testing'
 * import { writeCoverageReport } from 'authchart/testing/node'
 *
 * const coverage = recordCoverage()
 * // ... run scenarios with `inspect: coverage.inspect` ...
 * await writeCoverageReport('reports/chart-coverage.html', coverage)
 */
export async function writeCoverageReport(
  path: string,
  coverage: ChartCoverage,
  machine: AnyStateMachine = authMachine,
): Promise<string> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, coverageReportHtml(coverage, machine))
  return path
}
