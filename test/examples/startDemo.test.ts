import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemo, type Demo } from '../../examples/demo/startDemo.js'

// `refreshDelayMs` is what makes the browser tests' refreshes overlap: it must hold a refresh
// before the REST server processes it, so two refreshes sent a moment apart both arrive unspent.
describe('startDemo({ refreshDelayMs })', () => {
  let demo: Demo
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'authchart-demo-delay-'))
    demo = await startDemo({ dataDir, log: () => {}, refreshDelayMs: 2_000 })
  }, 60_000)
  afterAll(async () => {
    await demo?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  const post = (path: string, body: unknown, signal?: AbortSignal) =>
    fetch(new URL(path, demo.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    })

  it('holds each refresh before the REST server sees it, so two refreshes of one token overlap', async () => {
    const login = await post('auth/login', { email: 'ada@example.com', password: 'lovelace' })
    const { refresh_token } = (await login.json()) as { refresh_token: string }
    const before = demo.requests().length

    const first = post('auth/refresh', { refresh_token })
    await expect.poll(() => demo.requests().length).toBe(before + 1)
    const second = post('auth/refresh', { refresh_token })
    await expect.poll(() => demo.requests().length).toBe(before + 2)
    // Both arrived; neither has been processed yet.
    expect(demo.requests().slice(before)).toMatchObject([
      { method: 'POST', path: '/auth/refresh', status: 0, answeredAt: null },
      { method: 'POST', path: '/auth/refresh', status: 0, answeredAt: null },
    ])

    // Then in arrival order: the first rotates the token, the second presents it spent, within
    // the REST server's reuse interval: it is handed the same successor (one rotation, no revoke).
    const [a200, b200] = await Promise.all([first, second])
    expect([a200.status, b200.status]).toEqual([200, 200])
    const [bodyA, bodyB] = (await Promise.all([a200.json(), b200.json()])) as Array<{ refresh_token: string }>
    expect(bodyB?.refresh_token).toBe(bodyA?.refresh_token)
    const [a, b] = demo.requests().slice(before)
    expect((a?.answeredAt ?? 0) - (a?.arrivedAt ?? 0)).toBeGreaterThanOrEqual(2_000 - 1)
    expect(b?.answeredAt).toBeGreaterThan(a?.answeredAt ?? Infinity)
  })

  it('does not hold other requests', async () => {
    const before = demo.requests().length
    expect((await fetch(new URL('healthz', demo.url))).status).toBe(200)
    const [health] = demo.requests().slice(before)
    expect((health?.answeredAt ?? Infinity) - (health?.arrivedAt ?? 0)).toBeLessThan(2_000)
  })

  it('records a refresh the client abandons while it is held as 499, and never forwards it', async () => {
    const before = demo.requests().length
    const abandoned = new AbortController()
    const sent = post('auth/refresh', { refresh_token: 'abandoned' }, abandoned.signal).catch(() => 'aborted')
    await expect.poll(() => demo.requests().length).toBe(before + 1)
    const entry = demo.requests().at(-1)
    abandoned.abort()
    expect(await sent).toBe('aborted')
    await expect.poll(() => entry?.status).toBe(499)
    expect(entry?.answeredAt).not.toBeNull()
  })

  it('closes without waiting for a held refresh', async () => {
    const before = demo.requests().length
    const held = post('auth/refresh', { refresh_token: 'never-forwarded' }).then(
      (res) => res.status,
      () => 'dropped',
    )
    await expect.poll(() => demo.requests().length).toBe(before + 1)
    const entry = demo.requests().at(-1)
    await demo.close()
    expect(await held).toBe('dropped')
    // Never forwarded: the REST server closed without answering it.
    expect(entry).toMatchObject({ status: 0, answeredAt: null })
  })
})
