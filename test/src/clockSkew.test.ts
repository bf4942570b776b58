import { createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE } from '../fixtures/setupClient.js'

describe('tokens that are due the moment they arrive', () => {
  it('backs off instead of looping when a device clock far ahead makes every new token look expired', async () => {
    const serverClock = createFakeClock()
    const clock = createFakeClock(serverClock.now() + 2 * HOUR)
    const adapter = createFakeAdapter({ clock: serverClock })
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    await auth.signIn(credentials)
    await clock.advance(10_000)
    // backoff 0.75 s, 1.5 s, 3 s, 6 s: a handful of requests, not a hot loop
    expect(adapter.calls.refresh).toBeGreaterThanOrEqual(1)
    expect(adapter.calls.refresh).toBeLessThanOrEqual(5)
    expect(auth.getSnapshot().error?.message).toContain('device clock')
    // I1: a token past expiry on this clock is never handed out
    await expect(auth.getToken()).rejects.toMatchObject({ kind: 'transient' })
  })

  it('backs off when an adapter hands out an expiresAt inside the margin', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const adapter = {
      ...fake,
      refresh: async (...args: Parameters<typeof fake.refresh>) => ({
        ...(await fake.refresh(...args)),
        expiresAt: clock.now() + 1_000, // inside the 60 s margin on arrival
      }),
    }
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    await auth.signIn(credentials)
    await clock.advance(HOUR - MINUTE)
    expect(fake.calls.refresh).toBe(1)
    await clock.advance(10_000)
    expect(fake.calls.refresh).toBeLessThanOrEqual(5)
    expect(auth.getSnapshot().error?.message).toContain('already due')
  })
})
