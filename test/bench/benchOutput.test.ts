import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { formatTable } from '../../bench/formatTable.js'
import { type BenchResults, printResults } from '../../bench/printResults.js'
import { roundFigures } from '../../bench/roundFigures.js'

it('rounds measured figures to three significant digits and keeps counts whole', () => {
  expect(
    roundFigures({
      ms: 10.295334999999795,
      ns: 2640.2088,
      ratio: 1.046588661188323,
      bytes: -91.4321,
      small: 0.0123456,
      requests: 1,
      cycles: 10169,
      rows: [{ kb: 66.2549609375 }],
      name: 'authchart',
    }),
  ).toEqual({
    ms: 10.3,
    ns: 2640,
    ratio: 1.05,
    bytes: -91.4,
    small: 0.0123,
    requests: 1,
    cycles: 10169,
    rows: [{ kb: 66.3 }],
    name: 'authchart',
  })
})

it('prints a table as padded Markdown', () => {
  expect(
    formatTable({
      'authchart getToken()': { 'per call': '88.7 ns', ratio: '1.05×' },
      'auth-js getSession()': { 'per call': '2640 ns', ratio: '31.1×' },
    }),
  ).toBe(
    [
      '|                      | per call | ratio |',
      '| -------------------- | -------- | ----- |',
      '| authchart getToken() | 88.7 ns  | 1.05× |',
      '| auth-js getSession() | 2640 ns  | 31.1× |',
    ].join('\n'),
  )
})

it('prints the committed results with units and no raw floats', () => {
  const results = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8')) as BenchResults
  const printed = printResults(results)
  expect(printed).toContain(`| authchart getToken()   `)
  expect(printed).toMatch(/\| \d+(\.\d+)? ns +\|/)
  expect(printed).toMatch(/\| \d+(\.\d+)? ms +\|/)
  expect(printed).toMatch(/\| \d+(\.\d+)? KB +\|/)
  // No figure with more than three significant digits after a point (10.295334999999795 was).
  expect(printed).not.toMatch(/\d\.\d{4,}/)
})
