import type { Session } from '../src/Session.js'
import type { AuthContext, RetryPolicy } from './AuthContext.js'

/** The longest the chart sleeps before re-checking expiry, so a device that slept can't miss it. */
export const MAX_CHECK_STEP = 5_000

// The access token's lifetime in ms, from the claims the session carries. With an ID token
// (OIDC) the claims' `exp` is the ID token's, often an hour, and says nothing of the access
// token's life: that runs from the ID token's issue (one comes with every token response) to
// `expiresAt`. Client clock skew stretches this estimate; a non-positive one is ignored.
function lifetimeOf(session: Session): number | undefined {
  const { iat, exp } = session.claims
  if (iat === undefined) return undefined
  if (session.idToken !== undefined) return session.expiresAt - iat * 1000
  return exp === undefined ? undefined : (exp - iat) * 1000
}

/**
 * The margin a session is refreshed at: the configured one, or half the token's lifetime when
 * the token lives shorter than twice the margin. Without this, a 30 s token and a 60 s margin
 * would be due the moment it arrived and refresh in a loop.
 */
export function marginFor(session: Session, margin: number): number {
  const lifetime = lifetimeOf(session)
  if (lifetime === undefined || lifetime <= 0) return margin
  return Math.min(margin, lifetime / 2)
}

/** When the session's token falls due for refresh: its expiry less the margin it is refreshed at. */
export function dueAt(session: Session, margin: number): number {
  return session.expiresAt - marginFor(session, margin)
}

/** Whether the session's token is within the refresh margin of expiry, or past it. */
export function isDue(session: Session, now: number, margin: number): boolean {
  return now >= dueAt(session, margin)
}

/** Whether the session's token is past its expiry. */
export function isPastExpiry(session: Session, now: number): boolean {
  return now >= session.expiresAt
}

/** Whether a session can be refreshed at all. */
export function canRefresh(context: AuthContext, session: Session | null): boolean {
  // Stryker disable next-line BooleanLiteral: equivalent, unreachable: every caller holds a session or checks for one first
  if (session === null) return false
  return session.refreshToken !== undefined || context.config.refreshesWithoutToken
}

/** The wait before the next expiry check: until the margin, in steps of at most 5 s. */
export function checkDelay(session: Session | null, now: number, margin: number): number {
  if (session === null) return MAX_CHECK_STEP
  return Math.min(MAX_CHECK_STEP, Math.max(0, session.expiresAt - marginFor(session, margin) - now))
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of
 * many clients spread out but never collapse to zero. A server's `Retry-After` is a floor, cut to
 * `maxRetryAfter` so that a misconfigured server cannot park the session for a day.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxDelay, policy.baseDelay * 2 ** Math.max(0, attempt - 1))
  const jittered = exp / 2 + (exp / 2) * random
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxRetryAfter))
}

/** The wait between forced refreshes while claims have not yet arrived. */
export function claimsDelay(policy: RetryPolicy, claimsAttempt: number): number {
  return policy.claimsDelay * 2 ** Math.min(3, Math.max(0, claimsAttempt - 1))
}

/** Whether `next` is a newer session than `current` (a stale broadcast must not win). */
export function isNewerSession(next: Session, current: Session | null): boolean {
  // Stryker disable next-line BooleanLiteral: equivalent, unreachable: the chart compares only while it holds a session
  if (current === null) return true
  if (next.accessToken === current.accessToken) return false
  if (next.expiresAt !== current.expiresAt) return next.expiresAt > current.expiresAt
  return (next.claims.iat ?? 0) > (current.claims.iat ?? 0)
}
