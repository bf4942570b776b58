// How the chart routes a restored session (machines/authMachine.ts: restoring, checkingRestored,
// validating), driven on the chart itself with every adapter call held open
// (test/fixtures/chartHarness.ts): validation that times out, fails, or loses to another tab.
import { AdapterError, AuthError, RequestTimeoutError, SessionExpiredError, StorageError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { MARGIN, RETRY, sessionAt, startChart } from '../fixtures/chartHarness.js'

const HOUR = 3_600_000

describe('the chart restoring a session', () => {
  it('starts in restoring with an empty context and the session-changes actor running', () => {
    const chart = startChart()
    expect(chart.state()).toBe('restoring')
    expect(chart.actor.getSnapshot().children).toHaveProperty('sessionChanges')
    const { config, ...context } = chart.context()
    expect(config.refreshMargin).toBe(MARGIN)
    expect(context).toEqual({
      session: null,
      user: null,
      error: null,
      refreshTokenAt: null,
      attempt: 0,
      claimsAttempt: 0,
      retryAt: 0,
      forcedRequest: false,
      calls: [],
    })
  })

  it('holds a restored session, its user and token age, and reports the store error that came with it', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now())
    const storeError = new StorageError('the stored session could not be rewritten')
    const receivedAt = chart.clock.now() - 5_000
    await chart.answer('restoreSession', { session, refreshTokenAt: receivedAt, error: storeError })
    expect(chart.state()).toBe('validating')
    expect(chart.context().session).toBe(session)
    expect(chart.context().user).toEqual(session.user)
    expect(chart.context().refreshTokenAt).toBe(receivedAt)
    expect(chart.context().error).toBe(storeError)
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error: storeError }])
    expect(chart.effects).toEqual([`syncSinks:${session.accessToken}`])
  })

  it('a restored session without a refresh token that is still good is validated, not expired', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now(), { refreshToken: undefined })
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    expect(chart.state()).toBe('validating')
    expect(chart.emittedOf('error')).toEqual([])
  })

  it('a restored session past expiry without a refresh token ends as expired (token_expired), store cleared', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now() - 2 * HOUR, { refreshToken: undefined })
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    expect(chart.state()).toBe('expired')
    const error = chart.context().error
    expect(error).toBeInstanceOf(SessionExpiredError)
    expect((error as SessionExpiredError).reason).toBe('token_expired')
    expect(chart.context().session).toBeNull()
    expect(chart.context().user).toEqual(session.user)
    expect(chart.effects).toEqual([`syncSinks:${session.accessToken}`, 'syncSinks:none', 'clearStoredSession:none'])
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error }])
  })
})

describe('the chart validating a restored session', () => {
  it('takes the user the validation returns into the session and keeps the session otherwise', async () => {
    const updated = startChart()
    const session = sessionAt(updated.clock.now())
    await updated.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    const user = { id: 'u1', email: 'new@example.com' }
    await updated.answer('validateSession', { user })
    expect(updated.state()).toBe('authenticated')
    expect(updated.context().session).toEqual({ ...session, user })
    expect(updated.context().user).toEqual(user)

    const kept = startChart()
    const other = sessionAt(kept.clock.now())
    await kept.answer('restoreSession', { session: other, refreshTokenAt: null, error: null })
    await kept.answer('validateSession', {})
    expect(kept.state()).toBe('authenticated')
    expect(kept.context().session).toBe(other)
    expect(kept.context().session?.user).toEqual(other.user)
    expect(kept.context().user).toEqual(other.user)
  })

  it('a rejected validation of a session it cannot refresh ends as expired (validation_rejected)', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now(), { refreshToken: undefined })
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    const refusal = new AdapterError('validate', 'rejected')
    await chart.fail('validateSession', refusal)
    expect(chart.state()).toBe('expired')
    const error = chart.context().error as SessionExpiredError
    expect(error).toBeInstanceOf(SessionExpiredError)
    expect(error.reason).toBe('validation_rejected')
    expect(error.cause).toBe(refusal)
    expect(chart.calls.refreshSession).toHaveLength(0)
  })

  it('a transient validation failure once the session has come due refreshes it, and reports the failure', async () => {
    const chart = startChart()
    // an hour-long token issued 10 s short of its margin: due 10 s from now; the validation
    // answers after 12 s, inside its 15 s request timeout
    const session = sessionAt(chart.clock.now() - (HOUR - MARGIN - 10_000))
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    expect(chart.state()).toBe('validating')
    await chart.clock.advance(12_000)
    const blip = new AuthError('network blip')
    await chart.fail('validateSession', blip)
    expect(chart.state()).toBe('refreshing.requesting')
    expect(chart.calls.refreshSession).toHaveLength(1)
    expect(chart.context().error).toBe(blip)
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error: blip }])
  })

  it('a transient validation failure of a session that is not due keeps it authenticated, and reports it', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now())
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    const blip = new AuthError('network blip')
    await chart.fail('validateSession', blip)
    expect(chart.state()).toBe('authenticated')
    expect(chart.context().error).toBe(blip)
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error: blip }])
    expect(chart.calls.refreshSession).toHaveLength(0)
  })

  it('a validation that never answers times out into authenticated with a RequestTimeoutError reported', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now())
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    await chart.clock.advance(RETRY.requestTimeout - 1)
    expect(chart.state()).toBe('validating')
    await chart.clock.advance(1)
    expect(chart.state()).toBe('authenticated')
    const error = chart.context().error
    expect(error).toBeInstanceOf(RequestTimeoutError)
    expect(error?.message).toBe('validating the session timed out')
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error }])
    expect(chart.calls.validateSession[0]?.signal.aborted).toBe(true)
    expect(chart.context().session).toBe(session)
  })

  it('a newer session from another tab during validation is adopted and ends the validation', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now())
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    const newer = sessionAt(chart.clock.now() + 1_000)
    chart.send({ type: 'tab.sessionChanged', session: newer, refreshTokenAt: chart.clock.now(), origin: 'tab' })
    expect(chart.state()).toBe('authenticated')
    expect(chart.context().session).toBe(newer)
    expect(chart.calls.validateSession[0]?.signal.aborted).toBe(true)
    expect(chart.effects.at(-1)).toBe(`syncSinks:${newer.accessToken}`)
  })

  it('an older session from another tab during validation is ignored', async () => {
    const chart = startChart()
    const session = sessionAt(chart.clock.now())
    await chart.answer('restoreSession', { session, refreshTokenAt: null, error: null })
    const older = { ...sessionAt(chart.clock.now()), expiresAt: session.expiresAt - 1_000 }
    chart.send({ type: 'tab.sessionChanged', session: older, refreshTokenAt: chart.clock.now(), origin: 'tab' })
    expect(chart.state()).toBe('validating')
    expect(chart.context().session).toBe(session)
  })
})
