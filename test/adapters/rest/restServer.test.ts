// The reference server's own rules: durable by default, memory only when asked, atomic rotation,
// store outages answered as 503 (never 401), no token in any log line, fresh claims on demand.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../../examples/rest-server/createMemoryStore.js'
import { createSqliteStore } from '../../../examples/rest-server/createSqliteStore.js'
import { openStore } from '../../../examples/rest-server/openStore.js'
import type { RefreshTokenStore } from '../../../examples/rest-server/RefreshTokenStore.js'
import { type RestServer, startRestServer } from '../../../examples/rest-server/startRestServer.js'
import { stopChild, track } from '../../fixtures/rest/childProcesses.js'
import { freePort } from '../../fixtures/rest/freePort.js'
import { ada, restClient, runDueRefresh } from '../../fixtures/rest/restClient.js'

const dirs: string[] = []
const servers: RestServer[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'authchart-rest-server-'))
  dirs.push(dir)
  return dir
}

async function serve(options: Parameters<typeof startRestServer>[0] = {}) {
  const logLines: string[] = []
  const server = await startRestServer({ log: (line) => logLines.push(line), ...options })
  servers.push(server)
  return { server, logLines }
}

const JSON_TYPE = { 'Content-Type': 'application/json' }

async function login(url: string) {
  const res = await fetch(`${url}/auth/login`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(ada) })
  return (await res.json()) as { access_token: string; refresh_token: string }
}

const refresh = (url: string, token: string) =>
  fetch(`${url}/auth/refresh`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ refresh_token: token }) })

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('store choice', () => {
  it('refuses a store that does not survive restarts unless ephemeral is asked for', async () => {
    const warnings: string[] = []
    await expect(openStore({ store: createMemoryStore() }, (w) => warnings.push(w))).rejects.toThrow(/pass ephemeral/)
    await expect(openStore({ ephemeral: true, dataDir: tempDir() }, (w) => warnings.push(w))).resolves.toMatchObject({
      kind: 'memory',
    })
    expect(warnings.join('')).toMatch(/WARNING: --ephemeral/)
    await expect(openStore({ ephemeral: true, redisUrl: 'redis://x' }, (w) => warnings.push(w))).rejects.toThrow(
      /choose one store/,
    )
  })

  it('defaults to the durable SQLite store', async () => {
    const { server } = await serve({ dataDir: tempDir() })
    expect(server.storeKind).toBe('sqlite')
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ store: 'sqlite', durable: true })
  })

  it('fails to start when Redis cannot be reached, rather than falling back to memory', async () => {
    const main = fileURLToPath(new URL('../../../examples/rest-server/main.ts', import.meta.url))
    const child = track(
      spawn(
        process.execPath,
        ['--import', 'tsx', main, '--port', '0', '--redis-url', `redis://127.0.0.1:${await freePort()}`],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      ),
    )
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    await stopChild(child)
    expect(code).not.toBe(0)
    expect(stderr).toMatch(/cannot connect to Redis/)
  })
})

describe('rotation', () => {
  it('with no reuse interval, of two concurrent refreshes with one token exactly one wins, and the family is revoked', async () => {
    const { server } = await serve({ dataDir: tempDir(), reuseInterval: 0 })
    const { refresh_token } = await login(server.url)
    const answers = await Promise.all([refresh(server.url, refresh_token), refresh(server.url, refresh_token)])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401])
    const winner = (await answers.find((a) => a.status === 200)?.json()) as { refresh_token: string }
    expect((await refresh(server.url, winner.refresh_token)).status).toBe(401)
  })

  it('within the reuse interval, two concurrent refreshes with one token rotate it once: both get the same successor', async () => {
    const { server } = await serve({ dataDir: tempDir() })
    const { refresh_token } = await login(server.url)
    const answers = await Promise.all([refresh(server.url, refresh_token), refresh(server.url, refresh_token)])
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    const [first, second] = (await Promise.all(answers.map((a) => a.json()))) as Array<{ refresh_token: string }>
    expect(first?.refresh_token).toBe(second?.refresh_token)
    expect(first?.refresh_token).not.toBe(refresh_token)
    expect((await refresh(server.url, first?.refresh_token ?? '')).status).toBe(200)
  })

  it('keeps the signing key and the tokens in the data dir across a restart', async () => {
    const dataDir = tempDir()
    const first = await serve({ dataDir })
    const tokens = await login(first.server.url)
    const jwks = await (await fetch(`${first.server.url}/.well-known/jwks.json`)).json()
    await first.server.close()
    const second = await serve({ dataDir })
    expect(await (await fetch(`${second.server.url}/.well-known/jwks.json`)).json()).toEqual(jwks)
    const me = await fetch(`${second.server.url}/auth/me`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    })
    expect(me.status).toBe(200)
    expect((await refresh(second.server.url, tokens.refresh_token)).status).toBe(200)
  })
})

describe('outages', () => {
  it('answers 503 with Retry-After when the store fails, so clients retry instead of signing out', async () => {
    const store = createSqliteStore(tempDir())
    const broken: RefreshTokenStore = {
      ...store,
      rotate: async () => {
        throw new Error('disk I/O error')
      },
    }
    const { server, logLines } = await serve({ store: broken })
    const { refresh_token } = await login(server.url)
    const res = await refresh(server.url, refresh_token)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(logLines.join('\n')).toMatch(/disk I\/O error/)
  })
})

describe('logs', () => {
  it('never contain a token', async () => {
    const { server, logLines } = await serve({ dataDir: tempDir() })
    const tokens = await login(server.url)
    const res = await refresh(server.url, tokens.refresh_token)
    const next = (await res.json()) as { access_token: string; refresh_token: string }
    await refresh(server.url, tokens.refresh_token) // a retry within the reuse interval: logged as replayed
    expect(logLines.length).toBeGreaterThan(1)
    const log = logLines.join('\n')
    for (const secret of [tokens.access_token, tokens.refresh_token, next.access_token, next.refresh_token]) {
      expect(log).not.toContain(secret)
    }
  })
})

describe('claims', () => {
  it('POST /auth/claims updates the claims, and refresh({ force, until }) brings them into a verified token', async () => {
    const { server } = await serve({ dataDir: tempDir() })
    const env = restClient(server.url, {
      adapter: { jwks: `${server.url}/.well-known/jwks.json`, issuer: 'authchart-rest-server', audience: 'authchart' },
    })
    await env.clock.flush()
    await env.auth.signIn(ada)
    expect(env.auth.getSnapshot().claims?.onboarded).toBeUndefined()

    const update = await env.auth.fetch(`${server.url}/auth/claims`, {
      method: 'POST',
      body: JSON.stringify({ claims: { onboarded: true } }),
    })
    expect(update.status).toBe(200)
    const session = await env.auth.refresh({ force: true, until: (claims) => claims.onboarded === true })
    expect(session.claims.onboarded).toBe(true)

    const reserved = await env.auth.fetch(`${server.url}/auth/claims`, {
      method: 'POST',
      body: JSON.stringify({ claims: { sub: 'someone-else' } }),
    })
    expect(reserved.status).toBe(400)
    expect((await runDueRefresh(env)).claims?.sub).toBe(session.claims.sub)
    env.auth.stop()
  })
})
