import type { AuthContext } from '../machines/AuthContext.js'
import { isDue, isPastExpiry } from '../machines/sessionTiming.js'
import { NotAuthenticatedError, SessionExpiredError } from './errors.js'

/** What `getToken()` should do in a given chart state. */
export type TokenDecision =
  | { kind: 'token'; token: string }
  | { kind: 'error'; error: Error }
  /** The token is due but the chart has not noticed yet (a sleeping device): tell it. */
  | { kind: 'check' }
  | { kind: 'wait' }

// The decisions that carry nothing are shared: the slow path allocates none per caller.
const CHECK: TokenDecision = { kind: 'check' }
// Stryker disable next-line ObjectLiteral,StringLiteral: equivalent, createGetToken waits on any decision that is not a token, an error or a check
const WAIT: TokenDecision = { kind: 'wait' }

interface ChartView {
  status: string
  value: unknown
  context: AuthContext
}

/**
 * `getToken()`'s hot path: the held token when the running chart is settled in `authenticated`
 * and the token is not due, else `null` (then {@link decideToken} says what to do). One clock read, no
 * allocation.
 *
 * @example
 * freshToken(actor.getSnapshot(), clock.now()) ?? 'ask decideToken'
 */
export function freshToken(view: ChartView, now: number): string | null {
  const session = view.context.session
  // A stopped client answers as decideToken says ("the auth client is stopped"), fresh token or not.
  if (view.status !== 'active' || view.value !== 'authenticated' || session === null) return null
  return isDue(session, now, view.context.config.refreshMargin) ? null : session.accessToken
}

/**
 * Decides `getToken()` from a snapshot of the chart and the time. Pure, so every branch of I1
 * is a table entry rather than a timing accident.
 *
 * @example
 * decideToken({ status: 'active', value: 'expired', context }, now) // { kind: 'error', ... }
 */
export function decideToken(view: ChartView, now: number): TokenDecision {
  const { context, value } = view
  if (view.status !== 'active') return { kind: 'error', error: new NotAuthenticatedError('the auth client is stopped') }
  const session = context.session
  const margin = context.config.refreshMargin
  if (value === 'authenticated') {
    // Stryker disable next-line ObjectLiteral,StringLiteral: equivalent, unreachable: every way into `authenticated` holds a session
    if (session === null) return { kind: 'error', error: new NotAuthenticatedError() }
    return isDue(session, now, margin) ? CHECK : { kind: 'token', token: session.accessToken }
  }
  if (value === 'unauthenticated' || value === 'signingOut') {
    return { kind: 'error', error: new NotAuthenticatedError() }
  }
  if (value === 'expired') {
    const error =
      // Stryker disable next-line StringLiteral: equivalent, unreachable: `expired` is entered with a SessionExpiredError, and its `effect.failed` does not replace it
      context.error instanceof SessionExpiredError ? context.error : new SessionExpiredError('token_expired')
    return { kind: 'error', error }
  }
  if (typeof value === 'object' && value !== null && 'refreshing' in value) {
    const step = (value as { refreshing: string }).refreshing
    if (session === null) return WAIT
    // I1's one exception: the due refresh failed transiently and the held token still works, so
    // the caller's request goes out with it rather than failing; `snapshot.error` says why.
    if (step === 'backingOff') {
      if (!isPastExpiry(session, now)) return { kind: 'token', token: session.accessToken }
      return { kind: 'error', error: context.error ?? new NotAuthenticatedError('the session could not be refreshed') }
    }
    if (step === 'awaitingClaims' && !isDue(session, now, margin)) return { kind: 'token', token: session.accessToken }
  }
  return WAIT
}

/**
 * `getToken()` over a chart actor. The hot path: a held, fresh token is served from memory with
 * one clock read. Everything else (waiting, refreshing, failing) follows {@link decideToken}.
 * Callers that have to wait share one loop that wakes on each change of the chart: they would all
 * decide the same on the same snapshot, so a thousand waiting callers cost one decision per
 * change and one promise, not a thousand of each.
 *
 * @example
 * const getToken = createGetToken(actor, clock, createChangeSignal(actor))
 */
export function createGetToken(
  actor: { getSnapshot(): ChartView; send(event: { type: 'session.check' }): void },
  clock: { now(): number },
  nextChange: () => Promise<void>,
): () => Promise<string> {
  // What to do now, a due token's check already sent: a token, an error, or null to wait.
  const decide = (): TokenDecision => {
    for (;;) {
      const decision = decideToken(actor.getSnapshot(), clock.now())
      if (decision.kind !== 'check') return decision
      actor.send({ type: 'session.check' })
    }
  }
  let waiting: Promise<string> | null = null
  const waitForDecision = async (): Promise<string> => {
    try {
      for (;;) {
        await nextChange()
        const decision = decide()
        if (decision.kind === 'token') return decision.token
        if (decision.kind === 'error') throw decision.error
      }
    } finally {
      // Settled: a later caller decides for itself again.
      waiting = null
    }
  }
  // Each caller decides once on its own, so one that comes between a change of the chart and the
  // shared loop's wake-up still gets the answer of the snapshot it met.
  const slowPath = (): Promise<string> => {
    const decision = decide()
    if (decision.kind === 'token') return Promise.resolve(decision.token)
    if (decision.kind === 'error') return Promise.reject(decision.error)
    return (waiting ??= waitForDecision())
  }
  // Kept this small so that it stays cheap to call; a throwing clock still rejects, never throws.
  return () => {
    try {
      const token = freshToken(actor.getSnapshot(), clock.now())
      return token === null ? slowPath() : Promise.resolve(token)
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }
}
