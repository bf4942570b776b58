import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chartTransitions, runAuthScenarios } from 'authchart/testing'
import { writeCoverageReport } from 'authchart/testing/node'
import { authMachine } from 'authchart'
import { afterEach, describe, expect, it } from 'vitest'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('writeCoverageReport', () => {
  it("writes a run's coverage as an HTML page: covered and missed transitions marked, each missed one with its reason", async () => {
    const report = await runAuthScenarios({ maxScenarios: 5 })
    const dir = mkdtempSync(join(tmpdir(), 'authchart-report-'))
    dirs.push(dir)
    const path = await writeCoverageReport(join(dir, 'nested', 'coverage.html'), report.coverage)
    expect(path).toBe(join(dir, 'nested', 'coverage.html'))
    const html = readFileSync(path, 'utf8')
    expect(html).toContain('<svg')
    const keys = chartTransitions(authMachine).map((t) => t.key)
    const covered = keys.filter((key) => report.coverage.transitions.has(key))
    const missed = report.transitions.missed
    expect(covered.length).toBeGreaterThan(0)
    expect(missed.length).toBeGreaterThan(0)
    // Every transition of the chart is drawn, whether covered or not; the missed ones are listed with why.
    for (const key of keys) expect(html).toContain(`data-transition="${key}"`)
    for (const { key, reason } of missed) {
      expect(html).toContain(key)
      expect(html).toContain(reason.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
    }
  }, 60_000)
})
