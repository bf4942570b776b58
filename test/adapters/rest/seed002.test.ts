// Seed 002: the server kept refresh tokens in memory, so every refresh after a restart got 401
// and users were logged out. The reference server must survive a restart of its process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SessionExpiredError } from 'authchart'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisServer, redisAvailability, startRedisServer } from '../../fixtures/rest/redisServer.js'
import { ada, restClient, runDueRefresh } from '../../fixtures/rest/restClient.js'
import { type RestServerProcess, startRestServerProcess } from '../../fixtures/rest/restServerProcess.js'

const redis = redisAvailability()
const dataDir = mkdtempSync(join(tmpdir(), 'authchart-rest-seed002-'))
let redisServer: RedisServer | undefined
const servers: RestServerProcess[] = []

beforeAll(async () => {
  if (redis.available) redisServer = await startRedisServer()
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()))
  await redisServer?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function server(args: () => string[]) {
  const started = await startRestServerProcess(args())
  servers.push(started)
  return started
}

const durableStores = [
  { name: 'the embedded SQLite store', skip: false, args: () => ['--data-dir', dataDir] },
  {
    name: `the Redis store${redis.label}`,
    skip: !redis.available,
    args: () => ['--redis-url', redisServer?.url ?? 'redis://unavailable'],
  },
]

describe.each(durableStores)('seed 002 with $name', ({ args, skip }) => {
  it.skipIf(skip)(
    'a restart of the server process signs nobody out: the refresh succeeds with a new token',
    async () => {
      const api = await server(args)
      const env = restClient(api.url)
      await env.clock.flush()
      await env.auth.signIn(ada)
      const before = await env.auth.getToken()

      await api.restart()
      // The signing key was kept with the store: a token issued before the restart still verifies.
      const me = (token: string) => fetch(`${api.url}/auth/me`, { headers: { Authorization: `Bearer ${token}` } })
      expect((await me(before)).status).toBe(200)

      const after = await runDueRefresh(env)
      expect(after.status).toBe('authenticated')
      expect(after.error).toBeNull()
      const token = await env.auth.getToken()
      expect(token).not.toBe(before)
      expect((await me(token)).status).toBe(200)

      // A crash, not a clean stop: what the server answered must already be on disk.
      await api.restart('SIGKILL')
      const again = await runDueRefresh(env)
      expect(again.status).toBe('authenticated')
      expect(await env.auth.getToken()).not.toBe(token)
      env.auth.stop()
    },
  )
})

describe('seed 002 with --ephemeral', () => {
  it('warns loudly, and a restart ends the session in expired with a reason naming the unknown session', async () => {
    const api = await server(() => ['--ephemeral'])
    expect(api.log.join('')).toMatch(/WARNING: --ephemeral.*memory/)
    const env = restClient(api.url)
    const rejections: unknown[] = []
    env.auth.on('refreshRejected', (event) => rejections.push(event))
    await env.clock.flush()
    await env.auth.signIn(ada)

    await api.restart()
    const after = await runDueRefresh(env)

    // Never silently bounced: the state, the error, its reason and an event all say what happened.
    expect(after.status).toBe('expired')
    expect(after.error).toBeInstanceOf(SessionExpiredError)
    expect((after.error as SessionExpiredError).reason).toBe('refresh_token_unknown')
    expect(after.error?.message).toMatch(/session is unknown to the server/)
    expect(after.user?.email).toBe(ada.email)
    expect(rejections).toHaveLength(1)
    await expect(env.auth.getToken()).rejects.toBeInstanceOf(SessionExpiredError)
    env.auth.stop()
  })
})
