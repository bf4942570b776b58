// Run by `npm test` after the build: fails when an entry point grows past its ceiling in
// bench/budgets.json, and says plainly which goals are not met (docs/benchmarks.md).
import { readFileSync } from 'node:fs'
import { benchBundleSize } from './bundleSize.js'

interface Budget {
  /** The target of the benchmarks issue. */
  goalKb: number
  /** The ceiling the check enforces: today's size with a little room, so growth is a decision. */
  limitKb: number
}
const budgets = JSON.parse(readFileSync(new URL('budgets.json', import.meta.url), 'utf8')) as Record<
  string,
  { withDeps: Budget; ownCode: Budget }
>

const { entries } = await benchBundleSize()
const failures: string[] = []
for (const entry of entries) {
  const budget = budgets[entry.entry]
  if (!budget) {
    failures.push(`${entry.entry}: no budget in bench/budgets.json`)
    continue
  }
  for (const [label, size, { goalKb, limitKb }] of [
    ['with dependencies', entry.withDepsKb, budget.withDeps],
    ['own code', entry.ownCodeKb, budget.ownCode],
  ] as const) {
    const verdict = size > limitKb ? 'OVER THE CEILING' : size > goalKb ? 'goal not met' : 'ok'
    console.log(`${entry.entry} ${label}: ${size} KB (goal ${goalKb}, ceiling ${limitKb}) ${verdict}`)
    if (size > limitKb) failures.push(`${entry.entry} ${label} is ${size} KB, past its ${limitKb} KB ceiling`)
  }
}
if (failures.length > 0) {
  console.error(failures.join('\n'))
  process.exit(1)
}
console.log('size check: every entry point within its ceiling')
