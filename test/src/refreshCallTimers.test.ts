import {
  type AuthAdapter,
  ClaimsTimeoutError,
  createAuthClient,
  createMemoryStorage,
  InvalidOptionsError,
  NotAuthenticatedError,
  parseSession,
  RequestTimeoutError,
  type SessionStorage,
} from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeCredentials, flushMicrotasks } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { chartActor, heldSession } from '../fixtures/heldSession.js'
import { credentials, HOUR, MINUTE, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

// The `refresh()` calls the chart keeps as waiters (machines/authSetup.ts): each one's own
// timeout, cancelled when it settles and never another call's; a call that times out leaves the
// others waiting; a sign-out ends them; a call for claims during an unforced request gets a
// request of its own; the backoff's end; and the exact errors.

const never = () => false

describe('refresh() calls and their timeouts', () => {
  it('a settled call leaves no timer behind', async () => {
    const { auth, clock } = await signedIn()
    expect(clock.pending()).toBe(1) // the expiry check
    const refreshed = settle(auth.refresh({ force: true, timeoutMs: 10_000 }))
    await clock.flush()
    fulfilled(refreshed)
    expect(clock.pending()).toBe(1)
  })

  it('a call settled first does not cancel the timeout of a call made after it', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { refresh: 100 } } })
    const first = settle(auth.refresh({ force: true, timeoutMs: 10_000 }))
    const second = settle(auth.refresh({ until: never, timeoutMs: 2_000 }))
    await clock.advance(100)
    fulfilled(first)
    expect(second.status).toBe('pending')
    await clock.advance(1_900)
    expect(rejected(second)).toBeInstanceOf(ClaimsTimeoutError)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('a call that times out leaves the other waiting calls waiting, and only them', async () => {
    const { auth, clock, adapter } = await signedIn()
    const admin = settle(auth.refresh({ until: (claims) => claims.role === 'admin', timeoutMs: 60_000 }))
    const hopeless = settle(auth.refresh({ until: never, timeoutMs: 2_000 }))
    await clock.advance(2_000)
    expect(rejected(hopeless)).toBeInstanceOf(ClaimsTimeoutError)
    expect(admin.status).toBe('pending')
    expect(auth.getSnapshot().status).toBe('refreshing')
    adapter.setClaims({ role: 'admin' })
    await clock.advance(10_000)
    expect(fulfilled(admin).claims.role).toBe('admin')
    expect(auth.getSnapshot().status).toBe('authenticated')
    const requests = adapter.calls.refresh
    await clock.advance(60_000)
    expect(adapter.calls.refresh).toBe(requests)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('a plain call that outlives its timeout rejects, naming the timeout', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { refresh: 5_000 } } })
    const refreshed = settle(auth.refresh({ force: true, timeoutMs: 1_000 }))
    await clock.advance(1_000)
    const error = rejected(refreshed)
    expect(error).toBeInstanceOf(RequestTimeoutError)
    expect((error as Error).message).toBe('refresh did not finish within 1000 ms')
  })

  it('sign-out ends a waiting call, and a later refresh is not held up by it', async () => {
    const { auth, clock, adapter } = await signedIn()
    const waiting = settle(auth.refresh({ until: never, timeoutMs: 60_000 }))
    await clock.flush()
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    const error = rejected(waiting)
    expect(error).toBeInstanceOf(NotAuthenticatedError)
    expect((error as Error).message).toBe('the session ended')
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const refreshed = settle(auth.refresh({ force: true }))
    await clock.flush()
    fulfilled(refreshed)
    expect(auth.getSnapshot().status).toBe('authenticated')
    const requests = adapter.calls.refresh
    await clock.advance(30_000)
    expect(adapter.calls.refresh).toBe(requests)
  })

  it('a call for claims made while an unforced refresh is in flight gets a forced request of its own', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 100 } } })
    await clock.advance(HOUR - MINUTE) // the due refresh starts, unforced
    expect(auth.getSnapshot().status).toBe('refreshing')
    expect(adapter.calls.refresh).toBe(1)
    const refreshed = settle(auth.refresh({ until: () => true }))
    await clock.advance(100)
    expect(refreshed.status).toBe('pending')
    await clock.advance(100)
    fulfilled(refreshed)
    expect(adapter.calls.refresh).toBe(2)
  })
})

describe('the backoff after a failed refresh', () => {
  it('ends exactly at retryAt: a refresh then goes out at once, a millisecond earlier it waits', async () => {
    const { auth, clock, adapter } = await signedIn()
    adapter.enqueue('refresh', 'transient')
    const failed = settle(auth.refresh({ force: true }))
    await clock.flush()
    rejected(failed)
    expect(auth.getSnapshot().status).toBe('authenticated')
    const { retryAt } = chartActor(auth).getSnapshot().context
    expect(retryAt).toBeGreaterThan(clock.now())
    clock.jump(retryAt - clock.now() - 1)
    const early = settle(auth.refresh({ force: true }))
    await flushMicrotasks()
    expect(adapter.calls.refresh).toBe(1)
    clock.jump(1)
    chartActor(auth).send({ type: 'session.check' })
    await flushMicrotasks()
    expect(adapter.calls.refresh).toBe(2)
    await clock.flush()
    fulfilled(early)
    const onTime = settle(auth.refresh({ force: true }))
    await flushMicrotasks()
    expect(adapter.calls.refresh).toBe(3)
    fulfilled(onTime)
  })
})

describe('a session without a refresh token', () => {
  it('refuses refresh() with the exact reason, and ends with no token age when due', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const adapter: AuthAdapter<FakeCredentials> = {
      ...fake,
      name: 'no-refresh-token',
      signIn: async (c, ctx) => ({ ...(await fake.signIn(c, ctx)), refreshToken: undefined }),
    }
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const refused = settle(auth.refresh({ force: true }))
    await flushMicrotasks()
    const error = rejected(refused)
    expect(error).toBeInstanceOf(InvalidOptionsError)
    expect((error as Error).message).toBe(
      'refresh() cannot renew this session: it has no refresh token and the adapter does not refresh without one ' +
        '(refreshesWithoutToken); the session stays until it comes due',
    )
    await clock.advance(HOUR - MINUTE / 2)
    expect(auth.getSnapshot().status).toBe('expired')
    expect(auth.getSnapshot().error).toMatchObject({ reason: 'no_refresh_token', tokenAge: null })
  })
})

describe('a refused refresh() call', () => {
  it('is forgotten: once the SDK brings a session with a refresh token, the due refresh goes out unforced', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const forced: boolean[] = []
    const adapter: AuthAdapter<FakeCredentials> = {
      ...fake,
      name: 'no-refresh-token-at-first',
      signIn: async (c, ctx) => ({ ...(await fake.signIn(c, ctx)), refreshToken: undefined }),
      refresh: async (session, ctx) => {
        forced.push(ctx.force)
        return fake.refresh(session, ctx)
      },
    }
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const refused = settle(auth.refresh({ force: true }))
    await flushMicrotasks()
    expect(rejected(refused)).toBeInstanceOf(InvalidOptionsError)
    clock.jump(1_000) // a later token
    const fromSdk = parseSession(
      await fake.signIn(credentials, { signal: new AbortController().signal, now: () => clock.now() }),
      'SDK session',
    )
    expect(fromSdk.refreshToken).toBeDefined()
    chartActor(auth).send({
      type: 'tab.sessionChanged',
      session: fromSdk,
      refreshTokenAt: clock.now(),
      origin: 'adapter',
    })
    await clock.flush()
    expect(auth.getSnapshot().session?.refreshable).toBe(true)
    await clock.advance(HOUR - MINUTE)
    expect(forced).toEqual([false])
    expect(auth.getSnapshot().status).toBe('authenticated')
  })
})

describe('a session heard from outside the chart', () => {
  it('is stored when the backend SDK reported it, not when another tab did (that tab stored it)', async () => {
    const inner = createMemoryStorage()
    let writes = 0
    const storage: SessionStorage = {
      getItem: (key) => inner.getItem(key),
      setItem: (key, value) => {
        writes += 1
        return inner.setItem(key, value)
      },
      removeItem: (key) => inner.removeItem(key),
    }
    const { auth, clock } = await signedIn({ storage })
    const held = heldSession(auth)
    if (!held) throw new Error('signed in without a session')
    const fromTab = { ...held, accessToken: `${held.accessToken}.tab`, expiresAt: held.expiresAt + 1_000 }
    const before = writes
    chartActor(auth).send({ type: 'tab.sessionChanged', session: fromTab, refreshTokenAt: clock.now(), origin: 'tab' })
    await clock.flush()
    expect(heldSession(auth)?.accessToken).toBe(fromTab.accessToken)
    expect(writes).toBe(before)
    const fromSdk = { ...held, accessToken: `${held.accessToken}.sdk`, expiresAt: held.expiresAt + 2_000 }
    chartActor(auth).send({
      type: 'tab.sessionChanged',
      session: fromSdk,
      refreshTokenAt: clock.now(),
      origin: 'adapter',
    })
    await clock.flush()
    expect(heldSession(auth)?.accessToken).toBe(fromSdk.accessToken)
    expect(writes).toBe(before + 1)
  })
})
