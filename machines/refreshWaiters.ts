import { AuthError } from '../src/errors.js'
import type { Claims } from '../src/Session.js'
import type { AuthContext, ClaimsPredicate, PendingCall, RefreshWaiter } from './AuthContext.js'

/** A call's outcome: `null` for success, an error otherwise. */
export interface Settlement {
  kind: PendingCall['kind']
  id: number
  error: AuthError | null
}

export interface WaiterSplit {
  settled: Settlement[]
  remaining: RefreshWaiter[]
}

/**
 * The pending `refresh()` calls. Where the chart reads them (`authenticated`, `refreshing`) they
 * are every pending call: a sign-in call waits only in `signingIn`.
 */
export const waitersOf = (context: AuthContext): RefreshWaiter[] =>
  context.calls.filter((call): call is RefreshWaiter => call.kind === 'refresh')

function checkPredicate(waiter: RefreshWaiter, claims: Claims): AuthError | boolean {
  if (waiter.until === undefined) return true
  try {
    return waiter.until(claims)
  } catch (cause) {
    return new AuthError('the refresh({ until }) predicate threw', { cause })
  }
}

/** Whether a call needs the cache bypassed: a forced one, or one waiting for claims. */
export const needsForce = (waiter: { force: boolean; until?: ClaimsPredicate | undefined }) =>
  waiter.force || waiter.until !== undefined

/** Whether a request answers this waiter: it joined the request in flight (or the one that just ended). */
export const isJoined = (waiter: RefreshWaiter) => waiter.joined

/**
 * After a new session with `claims` arrived: settles the waiters it `answers` whose predicate
 * holds, and keeps the others (those that need a later, forced request or claims not seen yet).
 */
export function settleOnSuccess(
  waiters: RefreshWaiter[],
  claims: Claims,
  answers: (waiter: RefreshWaiter) => boolean,
): WaiterSplit {
  const settled: Settlement[] = []
  const remaining: RefreshWaiter[] = []
  for (const waiter of waiters) {
    if (!answers(waiter)) {
      remaining.push(waiter)
      continue
    }
    const verdict = checkPredicate(waiter, claims)
    if (verdict === true) settled.push({ kind: 'refresh', id: waiter.id, error: null })
    else if (verdict === false) remaining.push(waiter)
    else settled.push({ kind: 'refresh', id: waiter.id, error: verdict })
  }
  return { settled, remaining }
}

/**
 * After a transient failure: plain refresh calls are answered with the error; calls waiting for
 * claims keep waiting, bounded by their own timeout.
 */
export function settleOnTransient(waiters: RefreshWaiter[], error: AuthError): WaiterSplit {
  const settled: Settlement[] = []
  const remaining: RefreshWaiter[] = []
  for (const waiter of waiters) {
    if (waiter.until === undefined) settled.push({ kind: 'refresh', id: waiter.id, error })
    else remaining.push(waiter)
  }
  return { settled, remaining }
}

/** Every call ends with `error` (a rejection, a sign-out), or succeeds with `null` (a sign-in). */
export function settleAll(calls: PendingCall[], error: AuthError | null): Settlement[] {
  return calls.map(({ kind, id }) => ({ kind, id, error }))
}
