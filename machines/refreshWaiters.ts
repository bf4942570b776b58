import { AuthError } from '../src/errors.js'
import type { Claims } from '../src/Session.js'
import type { RefreshWaiter } from './AuthContext.js'

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

/**
 * After a request of generation `gen` succeeded with `claims`: settles the waiters it answers
 * and keeps those that need a later, forced request or claims not seen yet.
 */
export function settleOnSuccess(waiters: RefreshWaiter[], gen: number, claims: Claims): WaiterSplit {
  const settled: Settlement[] = []
  const remaining: RefreshWaiter[] = []
  for (const waiter of waiters) {
    if (waiter.minGen > gen) {
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
