import { AdapterError, AuthError, authMachine, type Session, SessionExpiredError } from 'authchart'
import { createFakeClock, flushMicrotasks } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { createActor, fromPromise } from 'xstate'
import type { RefreshInput, RestoreOutput, SessionOutput } from '../../machines/AuthContext.js'

// The chart on its own (machines/authSetup.ts), as `authMachine` is exported: started without the
// client's effects it fails loudly, naming the effect that is missing; and the error a refused
// refresh ends with (`expiredBy`): its reason, the refresh token's age, and whether it looks like
// a lost server store.

const HOUR = 3_600_000

function chartInput(clock: { now(): number }, refreshTokenLifetime = Number.POSITIVE_INFINITY) {
  return {
    refreshMargin: 60_000,
    refreshesWithoutToken: false,
    refreshTokenLifetime,
    retry: { baseDelay: 1_000, maxDelay: 30_000, requestTimeout: 10_000, claimsDelay: 1_000, maxRetryAfter: 60_000 },
    env: { now: () => clock.now(), random: () => 0.5 },
  }
}

function sessionAt(now: number): Session {
  const iat = Math.floor(now / 1000)
  return {
    accessToken: 'access-token-1',
    refreshToken: 'refresh-token-1',
    expiresAt: now + HOUR,
    user: { id: 'user-1' },
    claims: { sub: 'user-1', iat, exp: iat + 3600 },
  }
}

/** The cause of an error the chart wrapped as 'unexpected failure'. */
function unexpected(error: unknown): string {
  expect(error).toBeInstanceOf(AuthError)
  expect((error as Error).message).toBe('unexpected failure')
  const cause = (error as Error).cause
  expect(cause).toBeInstanceOf(Error)
  return (cause as Error).message
}

describe('the chart started without its effects', () => {
  it('fails the restore, sign-in and sign-out loudly, naming the effect that is missing', async () => {
    const clock = createFakeClock()
    const actor = createActor(authMachine, { input: chartInput(clock) })
    const errors: unknown[] = []
    const signIns: Array<{ id: number; error: unknown }> = []
    actor.on('error', ({ error }) => errors.push(error))
    actor.on('signIn.settled', ({ id, error }) => signIns.push({ id, error }))
    actor.start()
    await flushMicrotasks()
    expect(actor.getSnapshot().value).toEqual({ session: 'unauthenticated', network: 'online' })
    expect(unexpected(actor.getSnapshot().context.error)).toBe('authchart: the restoreSession actor was not provided')
    expect(errors).toHaveLength(1)
    // The tab and SDK listener runs for as long as the chart does, even when nobody provided it.
    expect(actor.getSnapshot().children.sessionChanges?.getSnapshot().status).toBe('active')

    actor.send({ type: 'auth.signIn', id: 7, credentials: {} })
    await flushMicrotasks()
    expect(actor.getSnapshot().value).toEqual({ session: 'unauthenticated', network: 'online' })
    expect(signIns).toHaveLength(1)
    expect(signIns[0]?.id).toBe(7)
    expect(unexpected(signIns[0]?.error)).toBe('authchart: the signInWithCredentials actor was not provided')

    actor.send({ type: 'auth.signOut' })
    await flushMicrotasks()
    expect(actor.getSnapshot().value).toEqual({ session: 'unauthenticated', network: 'online' })
    expect(unexpected(actor.getSnapshot().context.error)).toBe('authchart: the signOutSession actor was not provided')
    expect(actor.getSnapshot().children.sessionChanges?.getSnapshot().status).toBe('active')
    actor.stop()
  })

  it('fails validation and refresh loudly too, naming the effect that is missing', async () => {
    const clock = createFakeClock()
    const session = sessionAt(clock.now())
    const chart = authMachine.provide({
      actors: {
        restoreSession: fromPromise<RestoreOutput>(async () => ({ session, refreshTokenAt: clock.now(), error: null })),
      },
    })
    const actor = createActor(chart, { input: chartInput(clock) })
    const refreshes: Array<{ id: number; error: unknown }> = []
    actor.on('refresh.settled', ({ id, error }) => refreshes.push({ id, error }))
    actor.start()
    await flushMicrotasks()
    expect(actor.getSnapshot().value).toEqual({ session: 'authenticated', network: 'online' })
    expect(unexpected(actor.getSnapshot().context.error)).toBe('authchart: the validateSession actor was not provided')

    actor.send({ type: 'session.refresh', id: 3, force: true, timeoutMs: 10_000 })
    await flushMicrotasks()
    expect(refreshes).toHaveLength(1)
    expect(refreshes[0]?.id).toBe(3)
    expect(unexpected(refreshes[0]?.error)).toBe('authchart: the refreshSession actor was not provided')
    actor.stop()
  })
})

/** A chart holding a restored session, whose refresh is refused with `failure`. */
async function refusedRefresh(options: {
  failure: unknown
  refreshTokenAge: number | null
  refreshTokenLifetime?: number
}): Promise<SessionExpiredError> {
  const clock = createFakeClock()
  const session = sessionAt(clock.now())
  const refreshTokenAt = options.refreshTokenAge === null ? null : clock.now() - options.refreshTokenAge
  const chart = authMachine.provide({
    actors: {
      restoreSession: fromPromise<RestoreOutput>(async () => ({ session, refreshTokenAt, error: null })),
      validateSession: fromPromise<{ user?: Session['user'] }, { session: Session }>(async () => ({})),
      refreshSession: fromPromise<SessionOutput, RefreshInput>(async () => {
        throw options.failure
      }),
    },
  })
  const actor = createActor(chart, { input: chartInput(clock, options.refreshTokenLifetime) })
  const rejections: Array<{ tokenAge: number | null }> = []
  actor.on('refreshRejected', ({ tokenAge }) => rejections.push({ tokenAge }))
  actor.start()
  await flushMicrotasks()
  expect(actor.getSnapshot().value).toEqual({ session: 'authenticated', network: 'online' })
  actor.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 10_000 })
  await flushMicrotasks()
  const { value, context } = actor.getSnapshot()
  actor.stop()
  expect(value).toEqual({ session: 'expired', network: 'online' })
  expect(context.error).toBeInstanceOf(SessionExpiredError)
  const error = context.error as SessionExpiredError
  expect(rejections).toEqual([{ tokenAge: error.tokenAge }])
  return error
}

const refusal = (reason?: 'refresh_token_unknown' | 'token_reused') =>
  new AdapterError('refresh', 'rejected', { reason, cause: new Error('no') })

describe('the error a refused refresh ends with', () => {
  it('an unknown refresh token younger than its lifetime is a suspected store loss, with its age', async () => {
    const error = await refusedRefresh({
      failure: refusal('refresh_token_unknown'),
      refreshTokenAge: HOUR - 1,
      refreshTokenLifetime: HOUR,
    })
    expect(error.reason).toBe('refresh_token_unknown')
    expect(error.tokenAge).toBe(HOUR - 1)
    expect(error.suspectedStoreLoss).toBe(true)
  })

  it('one exactly as old as its lifetime is not', async () => {
    const error = await refusedRefresh({
      failure: refusal('refresh_token_unknown'),
      refreshTokenAge: HOUR,
      refreshTokenLifetime: HOUR,
    })
    expect(error.tokenAge).toBe(HOUR)
    expect(error.suspectedStoreLoss).toBe(false)
  })

  it('one whose age is unknown is not, and its age stays unknown', async () => {
    const error = await refusedRefresh({
      failure: refusal('refresh_token_unknown'),
      refreshTokenAge: null,
      refreshTokenLifetime: HOUR,
    })
    expect(error.reason).toBe('refresh_token_unknown')
    expect(error.tokenAge).toBeNull()
    expect(error.suspectedStoreLoss).toBe(false)
  })

  it('another reason is never a suspected store loss, however young the token', async () => {
    const reused = await refusedRefresh({ failure: refusal('token_reused'), refreshTokenAge: 1_000 })
    expect(reused.reason).toBe('token_reused')
    expect(reused.tokenAge).toBe(1_000)
    expect(reused.suspectedStoreLoss).toBe(false)
    const plain = await refusedRefresh({ failure: refusal(), refreshTokenAge: 1_000 })
    expect(plain.reason).toBe('refresh_rejected')
    expect(plain.suspectedStoreLoss).toBe(false)
  })
})
