import {
  type Clock,
  createAuthClient,
  createMemoryStorage,
  NotAuthenticatedError,
  SessionExpiredError,
} from 'authchart'
import { createFakeAdapter, createFakeClock, flushMicrotasks } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { heldSession } from '../fixtures/heldSession.js'
import { credentials, HOUR, MINUTE, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'
import { countingClock } from '../fixtures/countingClock.js'

// getToken() callers that meet a due token wait together (src/decideToken.ts): one loop decides
// for all of them on each change of the chart. These pin what that sharing must not change.

describe('getToken callers waiting on one refresh', () => {
  it('all get the new token, and waking them reads the clock once, not once per caller', async () => {
    const clock = createFakeClock()
    const { counted, counter } = countingClock(clock)
    const adapter = createFakeAdapter({ clock, latency: { refresh: 300 } })
    const auth = createAuthClient({ adapter, clock: counted, storage: createMemoryStorage(), tabs: false }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const old = heldSession(auth)?.accessToken
    clock.jump(HOUR - 30_000) // due, and no timer ran: the callers themselves start the refresh
    const calls = Array.from({ length: 1_000 }, () => settle(auth.getToken()))
    await flushMicrotasks()
    expect(auth.getSnapshot().status).toBe('refreshing')
    counter.reads = 0
    await clock.advance(300)
    const tokens = new Set(calls.map(fulfilled))
    expect(tokens.size).toBe(1)
    expect([...tokens][0]).not.toBe(old)
    expect([...tokens][0]).toBe(heldSession(auth)?.accessToken)
    expect(adapter.calls.refresh).toBe(1)
    // The chart reads the clock a few times for its own timers; a read per waiting caller would be 1 000.
    expect(counter.reads).toBeLessThan(50)
  })

  it('share a rejection, and a caller after it decides anew rather than meeting the old answer', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 300 } } })
    adapter.enqueue('refresh', 'rejected')
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().status).toBe('refreshing')
    const failing = Array.from({ length: 10 }, () => settle(auth.getToken()))
    await clock.advance(300)
    for (const call of failing) expect(rejected(call)).toBeInstanceOf(SessionExpiredError)

    const again = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(again)
    clock.jump(HOUR - 30_000) // due, and no timer ran: the callers themselves start the refresh
    const waiting = Array.from({ length: 10 }, () => settle(auth.getToken()))
    await flushMicrotasks()
    expect(auth.getSnapshot().status).toBe('refreshing')
    await clock.advance(300)
    for (const call of waiting) expect(fulfilled(call)).toBe(heldSession(auth)?.accessToken)
    expect(adapter.calls.refresh).toBe(2)
  })

  it('a caller that comes while others wait for a refresh that is then stopped is rejected with them', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { refresh: 300 } } })
    await clock.advance(HOUR - MINUTE)
    const first = settle(auth.getToken())
    await flushMicrotasks()
    const second = settle(auth.getToken())
    auth.stop()
    await flushMicrotasks()
    expect(rejected(first)).toBeInstanceOf(NotAuthenticatedError)
    expect(rejected(second)).toBeInstanceOf(NotAuthenticatedError)
  })

  it('rejects, never throws, when the clock throws', async () => {
    const clock = createFakeClock()
    let broken = false
    const throwing: Clock = {
      now: () => {
        if (broken) throw new Error('clock unavailable')
        return clock.now()
      },
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    }
    const auth = createAuthClient({
      adapter: createFakeAdapter({ clock }),
      clock: throwing,
      storage: createMemoryStorage(),
      tabs: false,
    }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    broken = true
    let call: Promise<string> | undefined
    expect(() => {
      call = auth.getToken()
    }).not.toThrow()
    const outcome = settle(call as Promise<string>)
    await flushMicrotasks()
    expect((rejected(outcome) as Error).message).toBe('clock unavailable')
  })
})
