// The server commits a rotation, and its answer never reaches the client: a proxy forwards the
// refresh, waits for the server's 200, then cuts the client's connection. The client saw a
// network failure and retries with the refresh token it still holds. Within the reuse interval
// the server hands it the same successor and the user stays signed in; with `--reuse-interval
// 0` the retry is reuse, the family is revoked and the user is signed out.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SessionExpiredError } from 'authchart'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LossyProxy, startLossyProxy } from '../../fixtures/rest/lossyProxy.js'
import { type RedisServer, redisAvailability, startRedisServer } from '../../fixtures/rest/redisServer.js'
import { ada, restClient, runDueRefresh } from '../../fixtures/rest/restClient.js'
import { type RestServerProcess, startRestServerProcess } from '../../fixtures/rest/restServerProcess.js'
import { waitForSnapshot } from '../../fixtures/rest/waitForSnapshot.js'

const redis = redisAvailability()
let redisServer: RedisServer | undefined
const dirs: string[] = []
const servers: RestServerProcess[] = []
const proxies: LossyProxy[] = []

beforeAll(async () => {
  if (redis.available) redisServer = await startRedisServer()
})

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()))
  await Promise.all(servers.map((server) => server.stop()))
  await redisServer?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function server(args: string[]) {
  const started = await startRestServerProcess(args)
  servers.push(started)
  return started
}

async function proxyTo(url: string) {
  const proxy = await startLossyProxy(url)
  proxies.push(proxy)
  return proxy
}

const sqliteArgs = () => {
  const dir = mkdtempSync(join(tmpdir(), 'authchart-rest-lost-answer-'))
  dirs.push(dir)
  return ['--data-dir', dir]
}

/** The refresh token the client holds, read where it keeps it: snapshots carry no tokens. */
async function heldRefreshToken(env: ReturnType<typeof restClient>): Promise<string> {
  const stored = JSON.parse((await env.storage.getItem('authchart.session')) ?? '{}') as { refreshToken?: unknown }
  if (typeof stored.refreshToken !== 'string') throw new Error('the client holds no refresh token')
  return stored.refreshToken
}

/**
 * Runs the due refresh with its answer lost, then lets the chart's backoff (750 ms on the fake
 * clock, with jitter fixed at 0.5) send the retry, and resolves with where the client settles.
 */
async function refreshWithLostAnswer(env: ReturnType<typeof restClient>, proxy: LossyProxy) {
  proxy.loseNextAnswer('/auth/refresh')
  const failed = await runDueRefresh(env)
  expect(failed.status).toBe('refreshing')
  expect(failed.error?.kind).toBe('transient')
  await env.clock.advance(1_000)
  return waitForSnapshot(env.auth, (s) => s.status === 'authenticated' || s.status === 'expired')
}

describe('a rotation whose answer is lost, on the SQLite store', () => {
  it('with the default reuse interval, the retry gets the same successor and the user stays signed in', async () => {
    const api = await server(sqliteArgs())
    const proxy = await proxyTo(api.url)
    const env = restClient(proxy.url)
    await env.clock.flush()
    await env.auth.signIn(ada)
    const spent = await heldRefreshToken(env)

    const after = await refreshWithLostAnswer(env, proxy)
    expect(after.status).toBe('authenticated')
    expect(after.error).toBeNull()
    expect(proxy.seen).toEqual(['/auth/login 200', '/auth/refresh 200 lost', '/auth/refresh 200'])
    expect(api.log.join('')).toMatch(/refresh replayed within the reuse interval/)
    const successor = await heldRefreshToken(env)
    expect(successor).not.toBe(spent)

    // The successor is the family's live token: the next refresh rotates it as usual.
    const next = await runDueRefresh(env)
    expect(next.status).toBe('authenticated')
    expect(await heldRefreshToken(env)).not.toBe(successor)
    expect(
      (await fetch(`${api.url}/auth/me`, { headers: { Authorization: `Bearer ${await env.auth.getToken()}` } })).status,
    ).toBe(200)
    env.auth.stop()
  })

  it('with --reuse-interval 0, the retry is reuse: the family is revoked and the session ends in expired', async () => {
    const api = await server([...sqliteArgs(), '--reuse-interval', '0'])
    const proxy = await proxyTo(api.url)
    const env = restClient(proxy.url)
    await env.clock.flush()
    await env.auth.signIn(ada)

    const after = await refreshWithLostAnswer(env, proxy)
    expect(after.status).toBe('expired')
    expect(after.error).toBeInstanceOf(SessionExpiredError)
    expect((after.error as SessionExpiredError).reason).toBe('token_reused')
    expect(after.error?.message).toMatch(/refresh token reuse detected/)
    expect(proxy.seen).toEqual(['/auth/login 200', '/auth/refresh 200 lost', '/auth/refresh 401'])
    env.auth.stop()
  })
})

describe.skipIf(!redis.available)(
  `a rotation whose answer is lost, on two instances sharing Redis${redis.label}`,
  () => {
    it('the retry reaches the other instance within the interval and gets the same successor', async () => {
      const url = redisServer?.url ?? 'redis://unavailable'
      const [a, b] = await Promise.all([server(['--redis-url', url]), server(['--redis-url', url])])
      if (!a || !b) throw new Error('instances not started')
      const proxy = await proxyTo(a.url)
      const env = restClient(proxy.url)
      await env.clock.flush()
      await env.auth.signIn(ada)

      // A commits the rotation and the answer is lost; the load balancer sends the retry to B.
      proxy.loseNextAnswer('/auth/refresh')
      const failed = await runDueRefresh(env)
      expect(failed.error?.kind).toBe('transient')
      proxy.target = b.url
      await env.clock.advance(1_000)
      const after = await waitForSnapshot(env.auth, (s) => s.status === 'authenticated' || s.status === 'expired')
      expect(after.status).toBe('authenticated')
      expect(b.log.join('')).toMatch(/refresh replayed within the reuse interval/)

      // And back on A, the successor rotates as usual.
      proxy.target = a.url
      expect((await runDueRefresh(env)).status).toBe('authenticated')
      expect(proxy.seen).toEqual([
        '/auth/login 200',
        '/auth/refresh 200 lost',
        '/auth/refresh 200',
        '/auth/refresh 200',
      ])
      env.auth.stop()
    })
  },
)
