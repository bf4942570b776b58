import { createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE } from '../fixtures/setupClient.js'

describe('clock skew between device and server', () => {
  it('counts a new token lifetime from arrival, so a device clock two hours fast does not refresh in a loop', async () => {
    const serverClock = createFakeClock()
    const clock = createFakeClock(serverClock.now() + 2 * HOUR)
    const adapter = createFakeAdapter({ clock: serverClock })
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    await auth.signIn(credentials)
    expect(auth.getSnapshot().status).toBe('authenticated')
    await clock.advance(HOUR - MINUTE - 1_000)
    expect(adapter.calls.refresh).toBe(0)
    await clock.advance(1_000)
    expect(adapter.calls.refresh).toBe(1)
  })

  it('backs off instead of looping when an adapter hands out tokens that are already due', async () => {
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
    // backoff 0.75 s, 1.5 s, 3 s, 6 s: a handful of requests, not thousands
    expect(fake.calls.refresh).toBeLessThanOrEqual(5)
    expect(auth.getSnapshot().error?.message).toContain('already due')
  })
})
