import { readFileSync } from 'node:fs'
import { authMachine } from 'authchart'
import { expect, it } from 'vitest'
import { toStatechartMarkdown } from './statechart.js'

it('docs/statechart.md is the chart as it is (run `npm run docs:chart` after changing machines/)', () => {
  const onDisk = readFileSync(new URL('../../docs/statechart.md', import.meta.url), 'utf8')
  expect(onDisk).toBe(toStatechartMarkdown(authMachine))
})
