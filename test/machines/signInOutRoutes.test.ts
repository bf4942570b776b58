// The chart's sign-in, sign-out and other-tab sign-out routes (machines/authMachine.ts), driven on
// the chart itself with every adapter call held open (test/fixtures/chartHarness.ts): calls that
// overlap, time out, or arrive in a state that must ignore them.
import { AuthError, NotAuthenticatedError, RequestTimeoutError, SessionExpiredError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { authenticatedChart, RETRY, sessionAt, sessionOutput, startChart } from '../fixtures/chartHarness.js'

const HOUR = 3_600_000

/** A chart that restored nothing and is signed out. */
async function signedOutChart() {
  const chart = startChart()
  await chart.answer('restoreSession', { session: null, refreshTokenAt: null, error: null })
  expect(chart.state()).toBe('unauthenticated')
  return chart
}

describe('the chart signing in and out', () => {
  it('a sign-in ends the refresh() calls waiting on the old session', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 30_000 })
    expect(chart.state()).toBe('refreshing.requesting')
    chart.send({ type: 'auth.signIn', id: 7, credentials: { email: 'a@example.com' } })
    expect(chart.state()).toBe('signingIn')
    const settled = chart.emittedOf<{ id: number; error: AuthError | null }>('refresh.settled')
    expect(settled).toHaveLength(1)
    expect(settled[0]?.id).toBe(1)
    expect(settled[0]?.error).toBeInstanceOf(NotAuthenticatedError)
    expect(settled[0]?.error?.message).toBe('the session ended')
    expect(chart.unanswered()).toEqual([7])
    chart.checkNoAnsweredCallKept()
    expect(chart.calls.signInWithCredentials[0]?.input).toEqual({ credentials: { email: 'a@example.com' } })
  })

  it('a sign-out cancels the sign-in in flight, which settles once with its own error', async () => {
    const chart = await signedOutChart()
    chart.send({ type: 'auth.signIn', id: 3, credentials: {} })
    chart.send({ type: 'auth.signOut' })
    expect(chart.state()).toBe('signingOut')
    const settled = chart.emittedOf<{ id: number; error: AuthError | null }>('signIn.settled')
    expect(settled).toHaveLength(1)
    expect(settled[0]?.id).toBe(3)
    expect(settled[0]?.error).toBeInstanceOf(NotAuthenticatedError)
    expect(settled[0]?.error?.message).toBe('sign-in was cancelled by a newer call')
    expect(chart.unanswered()).toEqual([])
    chart.checkNoAnsweredCallKept()
  })

  it('a finished sign-in is settled once: a later sign-out does not settle it again', async () => {
    const chart = await signedOutChart()
    chart.send({ type: 'auth.signIn', id: 4, credentials: {} })
    const session = sessionAt(chart.clock.now())
    await chart.answer('signInWithCredentials', sessionOutput(session))
    expect(chart.state()).toBe('authenticated')
    expect(chart.emittedOf('signIn.settled')).toEqual([{ type: 'signIn.settled', id: 4, error: null, session }])
    expect(chart.unanswered()).toEqual([])
    chart.send({ type: 'auth.signOut' })
    expect(chart.calls.signOutSession[0]?.input).toEqual({ session })
    // only the adapter's sign-out holds the ended session while it runs; the context dropped it
    expect(chart.context().session).toBeNull()
    expect(chart.holdsTokensOf(session)).toBe(true)
    await chart.answer('signOutSession', undefined)
    expect(chart.state()).toBe('unauthenticated')
    expect(chart.emittedOf('signIn.settled')).toHaveLength(1)
    // the ended session (its tokens) is not kept once the adapter has been told
    expect(chart.holdsTokensOf(session)).toBe(false)
  })

  it('a sign-out the adapter never answers ends after the request timeout, reported', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'auth.signOut' })
    await chart.clock.advance(RETRY.requestTimeout - 1)
    expect(chart.state()).toBe('signingOut')
    await chart.clock.advance(1)
    expect(chart.state()).toBe('unauthenticated')
    const error = chart.context().error
    expect(error).toBeInstanceOf(RequestTimeoutError)
    expect(error?.message).toBe('signing out timed out')
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error }])
    expect(chart.holdsTokensOf(chart.session)).toBe(false)
    expect(chart.calls.signOutSession[0]?.signal.aborted).toBe(true)
  })

  it('a second sign-out while one is in flight does not start another', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'auth.signOut' })
    chart.send({ type: 'auth.signOut' })
    expect(chart.state()).toBe('signingOut')
    expect(chart.calls.signOutSession).toHaveLength(1)
    expect(chart.calls.signOutSession[0]?.signal.aborted).toBe(false)
    expect(chart.effects.filter((e) => e.startsWith('announceSignOut'))).toHaveLength(1)
  })

  it('another tab signing out does not interrupt a sign-in in flight', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'auth.signIn', id: 5, credentials: {} })
    chart.send({ type: 'tab.signedOut', origin: 'tab' })
    expect(chart.state()).toBe('signingIn')
    expect(chart.calls.signInWithCredentials[0]?.signal.aborted).toBe(false)
    expect(chart.context().session).toBe(chart.session)
  })
})

describe('the chart when a sign-in or sign-out overlaps or fails', () => {
  it('a second sign-in cancels the first, which settles with its own error', async () => {
    const chart = await signedOutChart()
    chart.send({ type: 'auth.signIn', id: 1, credentials: {} })
    chart.send({ type: 'auth.signIn', id: 2, credentials: {} })
    const settled = chart.emittedOf<{ id: number; error: AuthError | null }>('signIn.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error?.message).toBe('sign-in was cancelled by a newer call')
    expect(chart.unanswered()).toEqual([2])
  })

  it('a sign-out ends the refresh() calls waiting on the session', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 30_000 })
    chart.send({ type: 'auth.signOut' })
    const settled = chart.emittedOf<{ id: number; error: AuthError | null }>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error).toBeInstanceOf(NotAuthenticatedError)
    expect(chart.unanswered()).toEqual([])
    chart.checkNoAnsweredCallKept()
  })

  it('a failed sign-in while signed in keeps the session, and settles the call with the failure', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'auth.signIn', id: 3, credentials: {} })
    const failure = new AuthError('wrong password')
    await chart.fail('signInWithCredentials', failure)
    expect(chart.state()).toBe('authenticated')
    expect(chart.context().session).toBe(chart.session)
    expect(chart.context().error).toBe(failure)
    expect(chart.emittedOf('signIn.settled')).toEqual([
      { type: 'signIn.settled', id: 3, error: failure, session: chart.session },
    ])
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error: failure }])
    chart.checkNoAnsweredCallKept()
  })

  it('a failed sign-in while signed out stays signed out, and settles the call with the failure', async () => {
    const chart = await signedOutChart()
    chart.send({ type: 'auth.signIn', id: 4, credentials: {} })
    const failure = new AuthError('wrong password')
    await chart.fail('signInWithCredentials', failure)
    expect(chart.state()).toBe('unauthenticated')
    expect(chart.context().error).toBe(failure)
    expect(chart.emittedOf('signIn.settled')).toEqual([
      { type: 'signIn.settled', id: 4, error: failure, session: null },
    ])
    chart.checkNoAnsweredCallKept()
  })

  it('a failed sign-out still ends signed out, with the failure reported and the ended session dropped', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'auth.signOut' })
    const failure = new AuthError('the server did not answer the sign-out')
    await chart.fail('signOutSession', failure)
    expect(chart.state()).toBe('unauthenticated')
    expect(chart.context().error).toBe(failure)
    expect(chart.holdsTokensOf(chart.session)).toBe(false)
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error: failure }])
  })
})

describe('the chart hearing that another tab or the SDK signed out', () => {
  it('ends the session and the refresh() calls waiting on it, clears the error, and leaves the store to that tab', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'effect.failed', error: new AuthError('a bad tab message') })
    expect(chart.context().error).not.toBeNull()
    chart.send({ type: 'session.refresh', id: 2, force: true, timeoutMs: 30_000 })
    chart.effects.length = 0
    chart.send({ type: 'tab.signedOut', origin: 'tab' })
    expect(chart.state()).toBe('unauthenticated')
    expect(chart.context().error).toBeNull()
    expect(chart.context().session).toBeNull()
    const settled = chart.emittedOf<{ id: number; error: AuthError | null }>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([2])
    expect(settled[0]?.error).toBeInstanceOf(NotAuthenticatedError)
    expect(chart.unanswered()).toEqual([])
    chart.checkNoAnsweredCallKept()
    expect(chart.effects).toEqual(['syncSinks:none'])
  })

  it('clears the store when the sign-out came from the SDK (origin adapter)', async () => {
    const chart = await authenticatedChart()
    chart.effects.length = 0
    chart.send({ type: 'tab.signedOut', origin: 'adapter' })
    expect(chart.state()).toBe('unauthenticated')
    expect(chart.effects).toEqual(['syncSinks:none', 'clearStoredSession:none'])
  })

  it('is ignored without a session: an expired chart keeps saying why it ended', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now() - 2 * HOUR, { refreshToken: undefined })
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    expect(chart.state()).toBe('expired')
    chart.effects.length = 0
    chart.send({ type: 'tab.signedOut', origin: 'adapter' })
    expect(chart.state()).toBe('expired')
    expect(chart.context().error).toBeInstanceOf(SessionExpiredError)
    expect(chart.effects).toEqual([])
  })

  it('an expired chart adopts a session another tab signed in with', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now() - 2 * HOUR, { refreshToken: undefined })
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    const fresh = sessionAt(chart.clock.now())
    chart.send({ type: 'tab.sessionChanged', session: fresh, refreshTokenAt: chart.clock.now(), origin: 'tab' })
    expect(chart.state()).toBe('authenticated')
    expect(chart.context().session).toBe(fresh)
    expect(chart.context().error).toBeNull()
  })
})

describe('the chart online and offline', () => {
  it('back online, a later failed refresh backs off by its backoff, not by the longest offline delay', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'network.offline' })
    expect(chart.network()).toBe('offline')
    chart.send({ type: 'network.online' })
    expect(chart.network()).toBe('online')
    chart.clock.jump(HOUR)
    chart.send({ type: 'session.check' })
    expect(chart.state()).toBe('refreshing.requesting')
    await chart.fail('refreshSession', new AuthError('blip'))
    expect(chart.state()).toBe('refreshing.backingOff')
    // the first backoff: 1 s with equal jitter at 0.5 is 750 ms; offline it would be 30 s
    await chart.clock.advance(749)
    expect(chart.calls.refreshSession).toHaveLength(1)
    await chart.clock.advance(1)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })
})
