// docs/testing.md, "Your own backend": the reference REST server as a real process behind the
// fault proxy, under generated scenarios. If this file changes, change the doc too.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRestAdapter } from 'authchart/rest'
import Database from 'better-sqlite3'
import { runAuthScenarios } from 'authchart/testing'
import { createFaultProxy, startServerProcess } from 'authchart/testing/node'
import { expect, it } from 'vitest'

const ada = { email: 'ada@example.com', password: 'lovelace' }
const post = (url: string, body: unknown, token = '') =>
  fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  })

it('my REST backend under generated scenarios', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'my-backend-'))
  const server = await startServerProcess({
    command: process.execPath,
    args: ['--import', 'tsx', 'examples/rest-server/main.ts', '--port', '{port}', '--data-dir', dataDir],
  })
  const proxy = await createFaultProxy({ target: server.url })
  try {
    const report = await runAuthScenarios({
      backend: {
        adapter: createRestAdapter({ baseUrl: proxy.url }), // through the proxy
        credentials: ada,
        control: {
          restart: () => server.restart(), // a new process: the store must keep every session
          loseStore: () => {
            // Every refresh token is gone (the signing key stays: tokens already issued still verify).
            const db = new Database(join(dataDir, 'auth.sqlite'))
            db.exec('DELETE FROM refresh_tokens; DELETE FROM families')
            db.close()
          },
          changeClaims: async (claims) => {
            const { access_token } = await (await post(`${server.url}/auth/login`, ada)).json()
            await post(`${server.url}/auth/claims`, { claims }, access_token)
          },
          failNext: (count, failure) => proxy.failNext(count, failure),
          network: (state) => proxy.setNetwork(state), // offline: every connection is cut
          check: () => proxy.check(), // a target that is down fails the step that met it
        },
      },
      timeBudgetMs: 35_000,
    })
    console.log(report.summary)
    expect(report.transitions.covered).toBeGreaterThanOrEqual(40)
    // The network steps acted through the proxy: requests sent offline were cut there.
    expect(proxy.networkCuts).toBeGreaterThan(0)
  } finally {
    await proxy.close()
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}, 60_000)
