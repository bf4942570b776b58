import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

it('docs/testing.md shows test/examples/generatedScenarios.test.ts as it is', () => {
  const doc = read('docs/testing.md')
  const block = /<!-- example: test\/examples\/generatedScenarios\.test\.ts -->\n```ts\n([\s\S]*?)\n```/.exec(doc)?.[1]
  expect(block).toBe(read('test/examples/generatedScenarios.test.ts').trimEnd())
})
