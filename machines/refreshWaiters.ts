import { AuthError } from '../src/errors.js'
import type { Claims } from '../src/Session.js'
import type { ClaimsPredicate, RefreshWaiter } from './AuthContext.js'

/** A waiter's outcome: `null` for success, an error otherwise. */
export interface Settlement {
  id: number
  error: AuthError | null
}

export interface WaiterSplit {
  settled: Settlement[]
  remaining: RefreshWaiter[]
}

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

/** Whether the request in flight is this waiter's (the one a request answers). */
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
    if (verdict === true) settled.push({ id: waiter.id, error: null })
    else if (verdict === false) remaining.push(waiter)
    else settled.push({ id: waiter.id, error: verdict })
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
    if (waiter.until === undefined) settled.push({ id: waiter.id, error })
    else remaining.push(waiter)
  }
  return { settled, remaining }
}

/** Every waiter fails with `error` (rejection, sign-out). */
export function settleAll(waiters: RefreshWaiter[], error: AuthError): WaiterSplit {
  // Stryker disable next-line ArrayDeclaration: equivalent, no caller reads `remaining` of settleAll (every waiter is settled)
  return { settled: waiters.map((w) => ({ id: w.id, error })), remaining: [] }
}
