import { createAuthClient, createMemoryStorage, NotAuthenticatedError } from 'authchart'
import { createFakeAdapter, createFakeClock, flushMicrotasks } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { heldSession } from '../fixtures/heldSession.js'
import { credentials, HOUR, MINUTE, setupClient, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'
import { countingClock } from '../fixtures/countingClock.js'

// What getToken() does in each chart state (src/decideToken.ts), for the states and steps the
// other getToken suites do not reach: restoring, signing in and out, a stopped client, and a
// refresh that waits for claims.

describe('getToken in every state', () => {
  it('serves a held, fresh token with one clock read (the hot path)', async () => {
    const clock = createFakeClock()
    const { counted, counter } = countingClock(clock)
    const adapter = createFakeAdapter({ clock })
    const auth = createAuthClient({ adapter, clock: counted, storage: createMemoryStorage() }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    counter.reads = 0
    const token = settle(auth.getToken())
    await flushMicrotasks()
    expect(fulfilled(token)).toBe(heldSession(auth)?.accessToken)
    expect(counter.reads).toBe(1)
  })

  it('rejects at once on a stopped client whose token is due, saying so', async () => {
    const { auth, clock } = await signedIn()
    clock.jump(HOUR - MINUTE / 2) // in the margin: not the hot path
    auth.stop()
    const token = settle(auth.getToken())
    await flushMicrotasks()
    const error = rejected(token)
    expect(error).toBeInstanceOf(NotAuthenticatedError)
    expect((error as Error).message).toBe('the auth client is stopped')
  })

  it('rejects on a stopped client whose token is still fresh, as when it is due', async () => {
    const { auth } = await signedIn()
    auth.stop()
    const token = settle(auth.getToken())
    await flushMicrotasks()
    const error = rejected(token)
    expect(error).toBeInstanceOf(NotAuthenticatedError)
    expect((error as Error).message).toBe('the auth client is stopped')
  })

  it('called while the session is restored, waits for the restore and then rejects when nothing was stored', async () => {
    const { auth, clock } = setupClient()
    expect(auth.getSnapshot().status).toBe('restoring')
    const token = settle(auth.getToken())
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    const error = rejected(token)
    expect(error).toBeInstanceOf(NotAuthenticatedError)
    expect((error as Error).message).toBe('not signed in')
  })

  it('called while signing in, waits for the sign-in and returns its token', async () => {
    const { auth, clock } = setupClient({ adapter: { latency: { signIn: 200 } } })
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await flushMicrotasks()
    expect(auth.getSnapshot().status).toBe('signingIn')
    const token = settle(auth.getToken())
    await flushMicrotasks()
    expect(token.status).toBe('pending')
    await clock.advance(200)
    fulfilled(signIn)
    expect(fulfilled(token)).toBe(heldSession(auth)?.accessToken)
  })

  it('called while signing out, rejects at once without waiting for the adapter', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { signOut: 500 } } })
    const signOut = settle(auth.signOut())
    await flushMicrotasks()
    expect(auth.getSnapshot().status).toBe('signingOut')
    const token = settle(auth.getToken())
    await flushMicrotasks()
    expect(auth.getSnapshot().status).toBe('signingOut')
    expect(rejected(token)).toBeInstanceOf(NotAuthenticatedError)
    await clock.advance(500)
    fulfilled(signOut)
  })

  it('while a refresh waits for claims, serves the fresh token it holds at once', async () => {
    const { auth, clock, adapter } = await signedIn()
    const refreshed = settle(auth.refresh({ until: (claims) => claims.role === 'admin', timeoutMs: 30_000 }))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(1)
    expect(auth.getSnapshot().status).toBe('refreshing')
    const held = heldSession(auth)?.accessToken
    const token = settle(auth.getToken())
    await flushMicrotasks()
    expect(fulfilled(token)).toBe(held)
    expect(auth.getSnapshot().status).toBe('refreshing')
    expect(refreshed.status).toBe('pending')
    adapter.setClaims({ role: 'admin' })
    await clock.advance(30_000)
    expect(fulfilled(refreshed).claims.role).toBe('admin')
  })

  it('while a refresh waits for claims, does not serve a token that has come due: it waits for the next one', async () => {
    const { auth, clock, adapter } = await signedIn()
    const refreshed = settle(auth.refresh({ until: (claims) => claims.role === 'admin', timeoutMs: 2 * HOUR }))
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('refreshing')
    const due = heldSession(auth)?.accessToken
    clock.jump(HOUR - MINUTE / 2) // slept into the margin: no timer has run yet
    const token = settle(auth.getToken())
    await flushMicrotasks()
    expect(token.status).toBe('pending')
    adapter.setClaims({ role: 'admin' })
    await clock.advance(10)
    expect(fulfilled(refreshed).claims.role).toBe('admin')
    expect(fulfilled(token)).not.toBe(due)
    expect(fulfilled(token)).toBe(heldSession(auth)?.accessToken)
  })
})
