import type { AuthError, SessionExpiredError } from '../src/errors.js'
import type { AuthUser, Claims, Session } from '../src/Session.js'

/** A predicate over a new token's claims, for `refresh({ until })`. */
export type ClaimsPredicate = (claims: Claims) => boolean

/** How transient failures are retried. All times in ms. */
export interface RetryPolicy {
  /** First backoff delay; doubled on every failure, with jitter. */
  baseDelay: number
  /** The cap on one backoff delay. */
  maxDelay: number
  /** An adapter call that takes longer fails as transient. */
  requestTimeout: number
  /** First delay between forced refreshes while waiting for claims; doubled, capped at 8x. */
  claimsDelay: number
  /** The longest server `Retry-After` honoured; a longer one is cut to this. */
  maxRetryAfter: number
}

/** What the chart reads from the world: time and randomness, both injected. */
export interface AuthEnv {
  now(): number
  random(): number
}

/** The chart's fixed input. */
export interface AuthMachineInput {
  refreshMargin: number
  /** Whether the adapter refreshes with no refresh token in JS (cookie mode, Clerk). */
  refreshesWithoutToken: boolean
  /** How long the backend's refresh tokens live (ms); `Infinity` when unknown. */
  refreshTokenLifetime: number
  retry: RetryPolicy
  env: AuthEnv
}

/**
 * One pending `refresh()` call. `joined` says whether the request in flight (or the one that just
 * answered) is this call's: every waiting call joins a request as `requesting` starts it, but a
 * call that needs the cache bypassed and arrives while an unforced request is in flight must not
 * be answered by that request (auth0-spa-js #1691), so it stays unjoined and waits for the next,
 * forced, one.
 */
export interface RefreshWaiter {
  kind: 'refresh'
  id: number
  force: boolean
  until: ClaimsPredicate | undefined
  joined: boolean
}

/** The pending `signIn()` call: answered when its sign-in ends, or cancelled by a newer sign-in or a sign-out. */
export interface SignInCall {
  kind: 'signIn'
  id: number
}

/**
 * A call the chart has not answered yet, by the id the client gave it (unique across both kinds).
 * The chart answers each once, with `signIn.settled` or `refresh.settled`. The two kinds never
 * wait together: `auth.signIn` answers every pending call before it adds its own, and only
 * `authenticated` and `refreshing` keep a `session.refresh` as a call.
 */
export type PendingCall = SignInCall | RefreshWaiter

export interface AuthContext {
  readonly config: AuthMachineInput
  session: Session | null
  /** The last known user; kept in `expired` so the UI can say who must sign in again. */
  user: AuthUser | null
  error: AuthError | null
  /** When the held refresh token was received, for the token age in `refreshRejected`. */
  refreshTokenAt: number | null
  attempt: number
  claimsAttempt: number
  /**
   * The earliest time the next refresh request may go out after a transient failure: the
   * backoff, or the server's `Retry-After` (capped). No event starts a request before it; 0 when
   * nothing failed.
   */
  retryAt: number
  /**
   * Whether the latest refresh request bypasses the cache: set as `requesting` starts it, from the
   * calls it answers. A value of its own, not read off the joined calls, because the request stays
   * forced when the forced call that made it so times out: a forced call arriving then joins it.
   */
  forcedRequest: boolean
  /** The `signIn()` and `refresh()` calls still waiting for the chart's answer. */
  calls: PendingCall[]
}

export type AuthEvent =
  | { type: 'auth.signIn'; id: number; credentials: unknown }
  | { type: 'auth.signOut' }
  /**
   * A `refresh()` call. The chart answers it with `refresh.settled`, or with
   * `session.refreshTimeout` after `timeoutMs` (named by `description` when it waits for claims).
   */
  | {
      type: 'session.refresh'
      id: number
      force: boolean
      until?: ClaimsPredicate | undefined
      timeoutMs: number
      description?: string | undefined
    }
  | { type: 'session.refreshTimeout'; id: number; error: AuthError }
  | { type: 'session.check' }
  /** The platform's `offline` and `online` events (authchart/vanilla binds them). */
  | { type: 'network.offline' }
  | { type: 'network.online' }
  /**
   * A session changed outside this chart: in another tab (which already stored it), or in the
   * backend's own SDK (`origin: 'adapter'`, which this tab stores).
   */
  | { type: 'tab.sessionChanged'; session: Session; refreshTokenAt: number | null; origin?: 'tab' | 'adapter' }
  | { type: 'tab.signedOut'; origin?: 'tab' | 'adapter' }
  | { type: 'effect.failed'; error: AuthError }

export type AuthEmitted =
  | { type: 'error'; error: AuthError }
  | { type: 'refreshRejected'; error: SessionExpiredError; tokenAge: number | null }
  | { type: 'refresh.settled'; id: number; error: AuthError | null; session: Session | null }
  | { type: 'signIn.settled'; id: number; error: AuthError | null; session: Session | null }

/** What the restore actor found. */
export interface RestoreOutput {
  session: Session | null
  refreshTokenAt: number | null
  error: AuthError | null
}

/** What the sign-in and refresh actors produce: the new session, already stored. */
export interface SessionOutput {
  session: Session
  refreshTokenAt: number | null
  /** Set when the session is good but could not be stored. */
  storageError: AuthError | null
}

/** What the refresh actor is given. */
export interface RefreshInput {
  session: Session
  force: boolean
  refreshTokenAt: number | null
}
