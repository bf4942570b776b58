import {
  AdapterError,
  type AuthError,
  createAuthClient,
  createMemoryStorage,
  SessionExpiredError,
  type SessionStorage,
  StorageError,
} from 'authchart'
import { createFakeAdapter, createFakeClock, createFakeTabs } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE, setupClient, signedIn, createBreakableStorage } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

describe('classified failures (I5)', () => {
  it('keeps the user authenticated through transient refresh failures while the token is valid, retrying with backoff', async () => {
    const { auth, clock, adapter } = await signedIn()
    const held = heldSession(auth)?.accessToken
    adapter.enqueue('refresh', 'transient', 'transient', 'transient')
    await clock.advance(HOUR - MINUTE)
    expect(adapter.calls.refresh).toBe(1)
    // base 1 s, doubled per failure, half of it jittered (random fixed at 0.5): 0.75 s, 1.5 s, 3 s
    await clock.advance(749)
    expect(adapter.calls.refresh).toBe(1)
    await clock.advance(1)
    expect(adapter.calls.refresh).toBe(2)
    await clock.advance(1_500)
    expect(adapter.calls.refresh).toBe(3)
    expect(heldSession(auth)?.accessToken).toBe(held)
    const token = settle(auth.getToken())
    await clock.flush()
    expect(fulfilled(token)).toBe(held)
    await clock.advance(3_000)
    expect(adapter.calls.refresh).toBe(4)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(auth.getSnapshot().error).toBeNull()
    expect(heldSession(auth)?.accessToken).not.toBe(held)
  })

  it('never signs out on transient failures, even past expiry; backoff is capped', async () => {
    const { auth, clock, adapter } = await signedIn({ client: { retry: { maxDelay: 8_000 } } })
    adapter.enqueue('refresh', ...Array(500).fill('transient'))
    await clock.advance(HOUR + 10 * MINUTE)
    expect(auth.getSnapshot().status).toBe('refreshing')
    expect(auth.getSnapshot().session).not.toBeNull()
    const calls = adapter.calls.refresh
    await clock.advance(8_000)
    expect(adapter.calls.refresh).toBe(calls + 1) // at most one attempt per capped delay
  })

  it('honours a Retry-After carried by the adapter error', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const retryAfter = Object.assign(new Error('slow down'), { status: 429, retryAfterMs: 20_000 })
    const flaky = { ...adapter, refresh: async () => Promise.reject(retryAfter) }
    const auth = createAuthClient({ adapter: flaky, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await auth.signIn(credentials)
    await clock.advance(HOUR - MINUTE)
    await clock.advance(19_999)
    expect(auth.getSnapshot().status).toBe('refreshing')
    const spy = { calls: 0 }
    flaky.refresh = async () => {
      spy.calls += 1
      return Promise.reject(retryAfter)
    }
    await clock.advance(1)
    expect(spy.calls).toBe(1)
  })

  it('goes to expired with a reason on rejection, and never retries it', async () => {
    const { auth, clock, adapter } = await signedIn()
    const rejected: Array<{ tokenAge: number | null }> = []
    auth.on('refreshRejected', (e) => rejected.push(e))
    adapter.enqueue('refresh', 'rejected')
    await clock.advance(HOUR - MINUTE)
    const snapshot = auth.getSnapshot()
    expect(snapshot.status).toBe('expired')
    expect(snapshot.error).toBeInstanceOf(SessionExpiredError)
    expect((snapshot.error as SessionExpiredError).reason).toBe('refresh_rejected')
    expect(snapshot.user?.email).toBe(credentials.email) // who has to sign in again
    expect(rejected).toEqual([expect.objectContaining({ tokenAge: HOUR - MINUTE })])
    await clock.advance(10 * HOUR)
    expect(adapter.calls.refresh).toBe(1)
  })

  it('ends in expired when the server no longer knows the refresh token (seed 002)', async () => {
    const { auth, clock, adapter } = await signedIn()
    adapter.forgetRefreshTokens()
    await clock.advance(HOUR)
    expect(auth.getSnapshot().status).toBe('expired')
    expect(auth.getSnapshot().error?.message).toContain('unknown refresh token')
  })
})

describe('nothing swallowed (I3)', () => {
  it('a failed sign-in rejects the call and shows in snapshot.error and the error event', async () => {
    const { auth, clock } = setupClient({ adapter: { users: { 'ada@example.com': 'right' } } })
    await clock.flush()
    const errors: AuthError[] = []
    auth.on('error', ({ error }) => errors.push(error))
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    expect(rejected(signIn)).toBeInstanceOf(AdapterError)
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().error).toBeInstanceOf(AdapterError)
    expect(auth.getSnapshot().error?.kind).toBe('rejected')
    expect(errors).toHaveLength(1)
  })

  it('a transient refresh failure shows in snapshot.error and is emitted', async () => {
    const { auth, clock, adapter } = await signedIn()
    const errors: AuthError[] = []
    auth.on('error', ({ error }) => errors.push(error))
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().error?.kind).toBe('transient')
    expect(errors.map((e) => e.code)).toEqual(['refresh_transient'])
  })

  it('a storage write failure shows in snapshot.error while the new session is kept in memory', async () => {
    const { storage, break: breakStorage } = createBreakableStorage()
    const { auth, clock } = await signedIn({ storage })
    breakStorage()
    await clock.advance(HOUR)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(auth.getSnapshot().error).toBeInstanceOf(StorageError)
    await expect(auth.getToken()).resolves.toBe(heldSession(auth)?.accessToken)
  })

  it('a storage read failure at start lands in unauthenticated with the error', async () => {
    const storage: SessionStorage = {
      getItem: async () => Promise.reject(new Error('IndexedDB is gone')),
      setItem: () => undefined,
      removeItem: () => undefined,
    }
    const { auth, clock } = setupClient({ storage })
    const errors: AuthError[] = []
    auth.on('error', ({ error }) => errors.push(error))
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().error).toBeInstanceOf(StorageError)
    expect(errors).toEqual([auth.getSnapshot().error])
  })

  it('a restore that throws lands in unauthenticated with error set (seed 001)', async () => {
    const clock = createFakeClock()
    const adapter = {
      ...createFakeAdapter({ clock }),
      restore: async () => {
        throw new TypeError('SessionManager.getSession is not a function')
      },
    }
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()
    const errors: AuthError[] = []
    auth.on('error', ({ error }) => errors.push(error))
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().error?.message).toContain('getSession is not a function')
    expect(errors).toHaveLength(1)
  })

  it('a failed server sign-out still signs out locally and reports the failure', async () => {
    const { auth, adapter } = await signedIn()
    adapter.enqueue('signOut', 'transient')
    await auth.signOut()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().session).toBeNull()
    expect(auth.getSnapshot().error?.code).toBe('signOut_transient')
  })
})

describe('expired keeps its reason', () => {
  it('a later, unrelated failure is emitted but does not replace the SessionExpiredError', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const profile = createFakeTabs()
    const auth = createAuthClient({ adapter, clock, storage: profile.storage, tabs: profile }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    adapter.enqueue('refresh', 'rejected')
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().status).toBe('expired')
    const errors: AuthError[] = []
    auth.on('error', ({ error }) => errors.push(error))
    profile.post('authchart:authchart.session', { garbage: true })
    await clock.flush()
    expect(errors).toHaveLength(1) // the bad message is reported...
    expect((auth.getSnapshot().error as SessionExpiredError).reason).toBe('refresh_rejected') // ...the reason stays
    const token = settle(auth.getToken())
    await clock.flush()
    expect(rejected(token)).toMatchObject({ reason: 'refresh_rejected' })
  })
})
