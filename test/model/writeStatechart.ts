// Writes docs/statechart.md from the real machine: `npm run docs:chart`.
import { writeFileSync } from 'node:fs'
import { authMachine } from '../../src/index.js'
import { toStatechartMarkdown } from './statechart.js'

const target = new URL('../../docs/statechart.md', import.meta.url)
writeFileSync(target, toStatechartMarkdown(authMachine))
console.log(`wrote ${target.pathname}`)
