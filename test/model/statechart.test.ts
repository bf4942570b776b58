import { readFileSync } from 'node:fs'
import { authMachine } from 'authchart'
import { expect, it } from 'vitest'
import { toStatechartMarkdown, toStatechartSvg } from './statechart.js'

it.each([
  ['statechart.md', toStatechartMarkdown],
  ['statechart.svg', toStatechartSvg],
])('docs/%s is the chart as it is (run `npm run docs:chart` after changing machines/)', (name, render) => {
  const onDisk = readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')
  expect(onDisk).toBe(render(authMachine))
})
