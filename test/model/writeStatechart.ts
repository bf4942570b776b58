// Writes docs/statechart.md and docs/statechart.svg from the real machine: `npm run docs:chart`.
import { writeFileSync } from 'node:fs'
import { authMachine } from '../../src/index.js'
import { toStatechartMarkdown, toStatechartSvg } from './statechart.js'

for (const [name, text] of [
  ['statechart.md', toStatechartMarkdown(authMachine)],
  ['statechart.svg', toStatechartSvg(authMachine)],
] as const) {
  const target = new URL(`../../docs/${name}`, import.meta.url)
  writeFileSync(target, text)
  console.log(`wrote ${target.pathname}`)
}
