// docs/testing.md, "Your backend in 30 lines". If this file changes, change the doc too.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRestAdapter } from 'authchart/rest'
import { runAuthScenarios } from 'authchart/testing'
import { createFaultProxy, startServerProcess } from 'authchart/testing/node'
import { expect, it } from 'vitest'

it('my backend keeps every session through restarts and failed answers', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'my-api-'))
  const server = await startServerProcess({
    command: process.execPath,
    args: ['--import', 'tsx', 'examples/rest-server/main.ts', '--port', '{port}', '--data-dir', dataDir],
  })
  const proxy = await createFaultProxy({ target: server.url })
  try {
    const report = await runAuthScenarios({
      backend: {
        adapter: createRestAdapter({ baseUrl: proxy.url }),
        credentials: { email: 'ada@example.com', password: 'lovelace' },
        control: { ...proxy.control, restart: () => server.restart() }, // failNext, network, check
      },
      timeBudgetMs: 25_000,
    })
    console.log(report.summary) // what was covered, what was left out and why
    expect(report.transitions.covered).toBeGreaterThanOrEqual(40)
  } finally {
    await Promise.all([proxy.close(), server.stop()])
    rmSync(dataDir, { recursive: true, force: true })
  }
}, 60_000)
