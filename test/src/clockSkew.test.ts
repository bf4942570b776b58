import { createAuthClient, createMemoryStorage, InvalidSessionError, NotAuthenticatedError } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

describe('tokens that are due the moment they arrive', () => {
  it('refuses a sign-in whose token has already expired on a device clock far ahead, and sends no refresh', async () => {
    const serverClock = createFakeClock()
    const clock = createFakeClock(serverClock.now() + 2 * HOUR) // the 1 h token expired an hour ago here
    const adapter = createFakeAdapter({ clock: serverClock })
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    const error = rejected(signIn)
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as InvalidSessionError).field).toBe('expiresAt')
    expect((error as InvalidSessionError).message).toContain('before it arrived')
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    await clock.advance(10_000)
    expect(adapter.calls.refresh).toBe(0)
    // I1: a token past expiry on this clock is never handed out
    const token = settle(auth.getToken())
    await clock.flush()
    expect(rejected(token)).toBeInstanceOf(NotAuthenticatedError)
  })

  it('backs off instead of looping when a device clock ahead makes every new token look due', async () => {
    const serverClock = createFakeClock()
    // Every token the server issues has 30 s left on this clock: not expired, but inside the margin.
    const clock = createFakeClock(serverClock.now() + HOUR - 30_000)
    const adapter = createFakeAdapter({ clock: serverClock })
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    await clock.advance(10_000)
    // backoff 0.75 s, 1.5 s, 3 s, 6 s: a handful of requests, not a hot loop
    expect(adapter.calls.refresh).toBeGreaterThanOrEqual(1)
    expect(adapter.calls.refresh).toBeLessThanOrEqual(5)
    expect(auth.getSnapshot().error?.message).toContain('device clock')
    expect(auth.getSnapshot().session).not.toBeNull() // a transient failure keeps the session
    // I1: once the held token is past expiry on this clock it is never handed out
    clock.jump(30_000)
    const token = settle(auth.getToken())
    await clock.flush()
    expect(rejected(token)).toMatchObject({ kind: 'transient' })
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
