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
 * One pending `refresh()` call. `minGen` is the first request generation whose result may
 * settle it: a forced call that arrives while an unforced request is in flight must not be
 * answered by that request (auth0-spa-js #1691), so it waits for the next one.
 */
export interface RefreshWaiter {
  id: number
  force: boolean
  until: ClaimsPredicate | undefined
  minGen: number
}

export interface AuthContext {
  readonly config: AuthMachineInput
  session: Session | null
  /** The last known user; kept in `expired` so the UI can say who must sign in again. */
  user: AuthUser | null
  error: AuthError | null
  /** When the held refresh token was received, for the token age in `refreshRejected`. */
  refreshTokenAt: number | null
  /** The session a sign-out is ending, for the adapter's `signOut`. */
  endedSession: Session | null
  attempt: number
  claimsAttempt: number
  /**
   * The earliest time the next refresh request may go out after a transient failure: the
   * backoff, or the server's `Retry-After` (capped). No event starts a request before it; 0 when
   * nothing failed.
   */
  retryAt: number
  /** The generation of the latest refresh request started. */
  gen: number
  inflightForce: boolean
  waiters: RefreshWaiter[]
  signInId: number | null
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
