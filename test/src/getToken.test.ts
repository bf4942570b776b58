import { NotAuthenticatedError, SessionExpiredError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { HOUR, MINUTE, setupClient, signedIn } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

describe('getToken (I1: token truth)', () => {
  it('returns the held token while it is outside the refresh margin', async () => {
    const { auth, clock } = await signedIn()
    const session = heldSession(auth)
    expect(session).not.toBeNull()
    await clock.advance(HOUR - MINUTE - 1_000)
    expect(auth.getSnapshot().status).toBe('authenticated')
    await expect(auth.getToken()).resolves.toBe(session?.accessToken)
  })

  it('never returns a token within the margin: it waits for the due refresh and returns the new token', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 300 } } })
    const old = heldSession(auth)?.accessToken
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().status).toBe('refreshing')
    const pending = settle(auth.getToken())
    await clock.advance(300)
    const token = fulfilled(pending)
    expect(token).not.toBe(old)
    expect(token).toBe(heldSession(auth)?.accessToken)
    expect(adapter.calls.refresh).toBe(1)
  })

  it('does not hand out a stale token after the device slept past the margin', async () => {
    const { auth, clock, adapter } = await signedIn()
    const old = heldSession(auth)?.accessToken
    clock.jump(HOUR - 30_000) // no timer ran: the chart still says authenticated
    expect(auth.getSnapshot().status).toBe('authenticated')
    const outcome = settle(auth.getToken())
    await clock.flush()
    const token = fulfilled(outcome)
    expect(token).not.toBe(old)
    expect(adapter.calls.refresh).toBe(1)
    const session = auth.getSnapshot().session
    expect(session && clock.now() < session.expiresAt - MINUTE).toBe(true)
  })

  it('re-checks expiry in steps of at most 5 s, so a late timer cannot skip the refresh', async () => {
    const { auth, clock, adapter } = await signedIn()
    expect(clock.pending()).toBe(1)
    await clock.advance(5_000)
    expect(clock.pending()).toBe(1) // the next step was scheduled
    clock.jump(HOUR) // slept through expiry; the pending 5 s step fires on wake
    await clock.advance(5_000)
    expect(adapter.calls.refresh).toBe(1)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('returns the held token when the due refresh failed transiently and the token has not expired', async () => {
    const { auth, clock, adapter } = await signedIn()
    const held = heldSession(auth)?.accessToken
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().status).toBe('refreshing')
    const token = settle(auth.getToken())
    await clock.flush()
    expect(fulfilled(token)).toBe(held)
    expect(auth.getSnapshot().error?.kind).toBe('transient')
  })

  it('rejects with the transient error once the held token has expired and refreshes keep failing', async () => {
    const { auth, clock, adapter } = await signedIn()
    adapter.enqueue('refresh', ...Array(20).fill('transient'))
    await clock.advance(HOUR + 1_000)
    expect(auth.getSnapshot().status).toBe('refreshing')
    const token = settle(auth.getToken())
    await clock.flush()
    expect(rejected(token)).toMatchObject({ kind: 'transient' })
    expect(auth.getSnapshot().session).not.toBeNull() // transient never signs out
  })

  it('rejects with NotAuthenticatedError when signed out and SessionExpiredError when expired', async () => {
    const { auth, clock } = setupClient()
    await clock.flush()
    const signedOut = settle(auth.getToken())
    await clock.flush()
    expect(rejected(signedOut)).toBeInstanceOf(NotAuthenticatedError)

    const env = await signedIn()
    env.adapter.enqueue('refresh', 'rejected')
    await env.clock.advance(HOUR)
    expect(env.auth.getSnapshot().status).toBe('expired')
    const expired = settle(env.auth.getToken())
    await env.clock.flush()
    expect(rejected(expired)).toBeInstanceOf(SessionExpiredError)
  })

  it('waits for a restore in progress instead of failing early', async () => {
    const env = await signedIn({ adapter: { latency: { validate: 100 } } })
    const reloaded = setupClient({ storage: env.storage, adapter: { latency: { validate: 100 } } })
    const pending = reloaded.auth.getToken()
    await reloaded.clock.advance(100)
    await expect(pending).resolves.toBe(heldSession(env.auth)?.accessToken)
  })
})
