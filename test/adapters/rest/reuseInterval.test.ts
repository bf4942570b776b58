// The reference server's reuse interval, on the server's injected clock and on each store: a
// spent refresh token that comes back within the interval while its successor is unspent gets
// that successor again (the rotation's answer was lost); later, or once the successor has been
// used, it is reuse and revokes the family. Refusals carry a machine-readable `reason`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../../../examples/rest-server/createTokenService.js'
import {
  type RestServer,
  type RestServerOptions,
  startRestServer,
} from '../../../examples/rest-server/startRestServer.js'
import { type RedisServer, redisAvailability, startRedisServer } from '../../fixtures/rest/redisServer.js'
import { ada } from '../../fixtures/rest/restClient.js'

const redis = redisAvailability()
let redisServer: RedisServer | undefined
const dirs: string[] = []
const servers: RestServer[] = []

beforeAll(async () => {
  if (redis.available) redisServer = await startRedisServer()
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await redisServer?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'authchart-rest-reuse-interval-'))
  dirs.push(dir)
  return dir
}

const JSON_TYPE = { 'Content-Type': 'application/json' }

interface TokenAnswer {
  access_token: string
  refresh_token: string
}

/** A server on a clock the test moves, with helpers that speak its HTTP API. */
async function serverOnFakeTime(store: () => Partial<RestServerOptions>, options: Partial<RestServerOptions> = {}) {
  let now = Date.now()
  const server = await startRestServer({ ...store(), ...options, clock: { now: () => now }, log: () => {} })
  servers.push(server)
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) })
  return {
    server,
    post,
    advance(ms: number) {
      now += ms
    },
    async login(): Promise<TokenAnswer> {
      return (await post('/auth/login', ada)).json() as Promise<TokenAnswer>
    },
    refresh: (token: string) => post('/auth/refresh', { refresh_token: token }),
    async me(accessToken: string) {
      return (await fetch(`${server.url}/auth/me`, { headers: { Authorization: `Bearer ${accessToken}` } })).status
    },
    logout: (token: string) => post('/auth/logout', { refresh_token: token }),
  }
}

async function refused(response: Response) {
  expect(response.status).toBe(401)
  return (await response.json()) as { error: string; reason: string; error_description: string }
}

const stores = [
  { name: 'the SQLite store', skip: false, options: () => ({ dataDir: tempDir() }) },
  { name: `the Redis store${redis.label}`, skip: !redis.available, options: () => ({ redisUrl: redisServer?.url }) },
  { name: 'the memory store', skip: false, options: () => ({ ephemeral: true }) },
]

describe.each(stores)('the reuse interval on $name', ({ options, skip }) => {
  it.skipIf(skip)(
    'a spent token presented again within the interval gets the same successor and a fresh access token',
    async () => {
      const api = await serverOnFakeTime(options)
      const { refresh_token: first } = await api.login()
      const rotated = (await (await api.refresh(first)).json()) as TokenAnswer

      // The answer above was lost; the client retries with the token it still holds.
      api.advance(9_999)
      const retried = await api.refresh(first)
      expect(retried.status).toBe(200)
      const replay = (await retried.json()) as TokenAnswer
      expect(replay.refresh_token).toBe(rotated.refresh_token)
      expect(replay.access_token).not.toBe(rotated.access_token)
      expect(await api.me(replay.access_token)).toBe(200)

      // The successor is an ordinary live token: it rotates once, as any other.
      const next = await api.refresh(replay.refresh_token)
      expect(next.status).toBe(200)
      const { refresh_token: third } = (await next.json()) as TokenAnswer
      expect(third).not.toBe(replay.refresh_token)
      expect((await api.refresh(third)).status).toBe(200)
    },
  )

  it.skipIf(skip)('the same token presented at the end of the interval is reuse, and revokes the family', async () => {
    const api = await serverOnFakeTime(options)
    const { refresh_token: first } = await api.login()
    const rotated = (await (await api.refresh(first)).json()) as TokenAnswer

    api.advance(10_000)
    const reuse = await refused(await api.refresh(first))
    expect(reuse).toMatchObject({ error: 'invalid_grant', reason: 'token_reused' })
    expect(reuse.error_description).toMatch(/reuse detected/)
    // Every token of the family is dead, the newest included, access tokens too.
    expect(await refused(await api.refresh(rotated.refresh_token))).toMatchObject({ reason: 'family_revoked' })
    expect(await api.me(rotated.access_token)).toBe(401)
  })

  it.skipIf(skip)(
    'within the interval, a spent token whose successor has been used is reuse: no second branch of the family',
    async () => {
      const api = await serverOnFakeTime(options)
      const { refresh_token: first } = await api.login()
      const { refresh_token: second } = (await (await api.refresh(first)).json()) as TokenAnswer
      const { refresh_token: third, access_token } = (await (await api.refresh(second)).json()) as TokenAnswer

      api.advance(1_000)
      expect(await refused(await api.refresh(first))).toMatchObject({ reason: 'token_reused' })
      expect(await refused(await api.refresh(third))).toMatchObject({ reason: 'family_revoked' })
      expect(await api.me(access_token)).toBe(401)
    },
  )

  it.skipIf(skip)('with reuseInterval 0, the first presentation of a spent token revokes the family', async () => {
    const api = await serverOnFakeTime(options, { reuseInterval: 0 })
    const { refresh_token: first } = await api.login()
    const rotated = (await (await api.refresh(first)).json()) as TokenAnswer
    expect(await refused(await api.refresh(first))).toMatchObject({ reason: 'token_reused' })
    expect(await refused(await api.refresh(rotated.refresh_token))).toMatchObject({ reason: 'family_revoked' })
  })
})

describe('refusal reasons', () => {
  it('name the unknown token, the missing one, the expired one and the signed-out family', async () => {
    const api = await serverOnFakeTime(() => ({ dataDir: tempDir() }), { refreshTokenTtl: 60 })
    expect(await refused(await api.refresh('never-issued'))).toMatchObject({
      error: 'invalid_grant',
      reason: 'refresh_token_unknown',
    })
    expect(await refused(await api.post('/auth/refresh', {}))).toMatchObject({
      reason: 'refresh_token_missing',
    })

    const { refresh_token: signedOut } = await api.login()
    expect((await api.logout(signedOut)).status).toBe(204)
    const revoked = await refused(await api.refresh(signedOut))
    expect(revoked).toMatchObject({ reason: 'family_revoked' })
    expect(revoked.error_description).toBe('session revoked (signed out)')

    const { refresh_token: old } = await api.login()
    api.advance(60_000)
    expect(await refused(await api.refresh(old))).toMatchObject({ reason: 'refresh_token_expired' })
  })

  it('a reuse interval that is not a number of seconds >= 0 is refused at start', async () => {
    for (const reuseInterval of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(startRestServer({ ephemeral: true, reuseInterval, log: () => {} })).rejects.toThrow(
        /reuseInterval must be a number of seconds >= 0/,
      )
    }
  })
})

describe.skipIf(!redis.available)(`two instances on one Redis with reuseInterval 0${redis.label}`, () => {
  it('one refresh token presented to both at once wins once, and the loser revokes the family', async () => {
    const shared = () => ({ redisUrl: redisServer?.url })
    const [a, b] = await Promise.all([
      serverOnFakeTime(shared, { reuseInterval: 0 }),
      serverOnFakeTime(shared, { reuseInterval: 0 }),
    ])
    const { refresh_token } = await a.login()
    const answers = await Promise.all([a.refresh(refresh_token), b.refresh(refresh_token)])
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401])
    const winner = (await answers.find((answer) => answer.status === 200)?.json()) as TokenAnswer
    expect(await refused(await a.refresh(winner.refresh_token))).toMatchObject({ reason: 'family_revoked' })
  })
})

describe('a data dir from before the reuse interval', () => {
  it('is upgraded in place: its sessions keep working and get the interval', async () => {
    const dir = tempDir()
    const old = new Database(join(dir, 'auth.sqlite'))
    old.exec(`
      CREATE TABLE families (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, email TEXT NOT NULL,
        expires_at INTEGER NOT NULL, revoked_at INTEGER, revoked_reason TEXT);
      CREATE TABLE refresh_tokens (hash TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES families(id),
        expires_at INTEGER NOT NULL, rotated_at INTEGER);`)
    const later = Date.now() + 86_400_000
    old.prepare('INSERT INTO families VALUES (?, ?, ?, ?, NULL, NULL)').run('f1', 'user_1', 'ada@example.com', later)
    old.prepare('INSERT INTO refresh_tokens VALUES (?, ?, ?, NULL)').run(hashToken('old-token'), 'f1', later)
    old.close()

    const api = await serverOnFakeTime(() => ({ dataDir: dir }))
    const rotated = await api.refresh('old-token')
    expect(rotated.status).toBe(200)
    const { refresh_token } = (await rotated.json()) as TokenAnswer
    const retried = (await (await api.refresh('old-token')).json()) as TokenAnswer
    expect(retried.refresh_token).toBe(refresh_token)
  })
})
