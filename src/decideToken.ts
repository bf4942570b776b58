import type { AuthContext } from '../machines/AuthContext.js'
import { dueAt, isDue, isPastExpiry } from '../machines/sessionTiming.js'
import { NotAuthenticatedError, SessionExpiredError } from './errors.js'
import { statusOf } from './statusOf.js'

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
  hasTag(tag: string): boolean
}

/** What `getToken()`'s hot path may serve from one snapshot: the held token, until it falls due. */
export interface ServableToken {
  token: string
  dueAt: number
}

/**
 * What `getToken()`'s hot path may serve from a snapshot of the chart: the held token while the
 * running chart serves it until it is due (the `token.untilDue` tag), with the time it falls due;
 * else `null` (then {@link decideToken} says what to do). A snapshot never changes, so this is
 * worked out once per snapshot, and each call only compares the clock to `dueAt`.
 *
 * @example
 * const served = servableToken(actor.getSnapshot())
 * served !== null && clock.now() < served.dueAt ? served.token : 'ask decideToken'
 */
export function servableToken(view: ChartView): ServableToken | null {
  const session = view.context.session
  // A stopped client answers as decideToken says ("the auth client is stopped"), fresh token or not.
  if (view.status !== 'active' || session === null || !view.hasTag('token.untilDue')) return null
  return { token: session.accessToken, dueAt: dueAt(session, view.context.config.refreshMargin) }
}

/**
 * Decides `getToken()` from a snapshot of the chart and the time: the public status says when
 * there is no session to serve, and the chart's state tags say how long a held token may be
 * served. Pure, so every branch of I1 is a table entry rather than a timing accident.
 *
 * @example
 * decideToken(actor.getSnapshot(), clock.now()) // { kind: 'error', error: SessionExpiredError }
 */
export function decideToken(view: ChartView, now: number): TokenDecision {
  if (view.status !== 'active') return { kind: 'error', error: new NotAuthenticatedError('the auth client is stopped') }
  const { context } = view
  const status = statusOf(view)
  if (status === 'unauthenticated' || status === 'signingOut') {
    return { kind: 'error', error: new NotAuthenticatedError() }
  }
  if (status === 'expired') {
    const error =
      // Stryker disable next-line StringLiteral: equivalent, unreachable: `expired` is entered with a SessionExpiredError, and its `effect.failed` does not replace it
      context.error instanceof SessionExpiredError ? context.error : new SessionExpiredError('token_expired')
    return { kind: 'error', error }
  }
  const session = context.session
  // Stryker disable next-line ConditionalExpression: equivalent, no state tagged to serve a token runs without a session, and createGetToken waits on any decision that is not a token, an error or a check
  if (session === null) return WAIT
  if (view.hasTag('token.untilDue')) {
    if (!isDue(session, now, context.config.refreshMargin)) return { kind: 'token', token: session.accessToken }
    // Due in `authenticated`: the chart has not noticed yet (a sleeping device), so tell it.
    if (view.hasTag('token.checkWhenDue')) return CHECK
  }
  // I1's one exception: the due refresh failed transiently and the held token still works, so
  // the caller's request goes out with it rather than failing; `snapshot.error` says why.
  if (view.hasTag('token.untilExpiry')) {
    if (!isPastExpiry(session, now)) return { kind: 'token', token: session.accessToken }
    return { kind: 'error', error: context.error ?? new NotAuthenticatedError('the session could not be refreshed') }
  }
  return WAIT
}

/**
 * `getToken()` over a chart actor. The hot path: a held, fresh token is served from memory with
 * one clock read. Everything else (waiting, refreshing, failing) follows {@link decideToken}.
 * Callers that have to wait share one loop that wakes on each change of the chart: they would all
 * decide the same on the same snapshot, so a thousand waiting callers cost one decision per
 * change, not a loop and a decision each.
 *
 * @example
 * const getToken = createGetToken(actor, clock, createChangeSignal(actor))
 */
export function createGetToken(
  actor: { getSnapshot(): ChartView; send(event: { type: 'session.check' }): void },
  clock: { now(): number },
  nextChange: () => Promise<void>,
): () => Promise<string> {
  // What to do now, a due token's check already sent: a token, an error, or wait.
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
  // The hot path: one snapshot read, one clock read and a comparison. What a snapshot may serve is
  // worked out the first time it is seen (a stopped actor's snapshot is a new one, too).
  let seen: ChartView | null = null
  let served: ServableToken | null = null
  const fresh = (): string | null => {
    const view = actor.getSnapshot()
    if (view !== seen) {
      seen = view
      served = servableToken(view)
    }
    return served !== null && clock.now() < served.dueAt ? served.token : null
  }
  // Kept this small so that it stays cheap to call: the loop lives in `slowPath`.
  return async () => fresh() ?? slowPath()
}
