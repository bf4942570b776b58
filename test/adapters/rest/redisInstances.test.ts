// Several instances of the reference server behind one load balancer share one Redis: a refresh
// token rotated on one instance must be accepted by the next, and the signing key is shared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisServer, redisAvailability, startRedisServer } from '../../fixtures/rest/redisServer.js'
import { ada, restClient, runDueRefresh } from '../../fixtures/rest/restClient.js'
import { type RestServerProcess, startRestServerProcess } from '../../fixtures/rest/restServerProcess.js'

const redis = redisAvailability()
let redisServer: RedisServer | undefined
let instances: RestServerProcess[] = []

beforeAll(async () => {
  if (!redis.available) return
  redisServer = await startRedisServer()
  const url = redisServer.url
  // Started together on an empty Redis: they race to save a signing key, and must agree on one.
  instances = await Promise.all([
    startRestServerProcess(['--redis-url', url]),
    startRestServerProcess(['--redis-url', url]),
  ])
})

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()))
  await redisServer?.stop()
})

/** A load balancer in front of the instances: each request goes where `target` points. */
function loadBalancer() {
  const hits: string[] = []
  const lb = {
    target: 0,
    hits,
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      const instance = instances[lb.target]
      if (!instance) throw new Error('no instance')
      const url = String(input).replace('http://lb.invalid', instance.url)
      hits.push(`${'AB'[lb.target]} ${new URL(url).pathname}`)
      return fetch(url, init)
    },
  }
  return lb
}

describe.skipIf(!redis.available)(`two server instances behind one Redis${redis.label}`, () => {
  it('a refresh on instance A, then the next refresh on instance B, works', async () => {
    const lb = loadBalancer()
    const env = restClient('http://lb.invalid', { adapter: { fetch: lb.fetch } })
    await env.clock.flush()

    lb.target = 0
    await env.auth.signIn(ada)
    expect((await runDueRefresh(env)).status).toBe('authenticated')
    const fromA = await env.auth.getToken()

    lb.target = 1
    // B verifies a token A signed: one key for the whole deployment.
    expect(
      (await lb.fetch(`http://lb.invalid/auth/me`, { headers: { Authorization: `Bearer ${fromA}` } })).status,
    ).toBe(200)
    const afterB = await runDueRefresh(env)
    expect(afterB.status).toBe('authenticated')
    expect(afterB.error).toBeNull()
    expect(await env.auth.getToken()).not.toBe(fromA)

    lb.target = 0
    expect((await runDueRefresh(env)).status).toBe('authenticated')
    expect(lb.hits).toEqual(['A /auth/login', 'A /auth/refresh', 'B /auth/me', 'B /auth/refresh', 'A /auth/refresh'])
    env.auth.stop()
  })

  it('both instances publish the same signing key', async () => {
    const [a, b] = await Promise.all(
      instances.map(async (instance) => (await fetch(`${instance.url}/.well-known/jwks.json`)).json()),
    )
    expect(a).toEqual(b)
    expect(a.keys).toHaveLength(1)
  })

  it('rotation is atomic across instances: one refresh token presented to A and B at once rotates once', async () => {
    const [a, b] = instances
    if (!a || !b) throw new Error('instances not started')
    const post = (url: string, body: unknown) =>
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    const login = await post(`${a.url}/auth/login`, { email: 'ada@example.com', password: 'lovelace' })
    const { refresh_token } = (await login.json()) as { refresh_token: string }
    const answers = await Promise.all([a, b].map((instance) => post(`${instance.url}/auth/refresh`, { refresh_token })))
    // One rotation: the later request, within the reuse interval, is handed the same successor.
    expect(answers.map((answer) => answer.status)).toEqual([200, 200])
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{ refresh_token: string }>
    expect(new Set(bodies.map((body) => body.refresh_token)).size).toBe(1)
    expect(bodies[0]?.refresh_token).not.toBe(refresh_token)
  })
})
