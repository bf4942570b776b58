import type { AuthError } from './errors.js'
import type { AuthUser, Claims } from './Session.js'

/**
 * The chart's top-level state. The five of the design, plus the short-lived steps around them.
 */
export type AuthStatus =
  | 'restoring'
  | 'checkingRestored'
  | 'validating'
  | 'authenticated'
  | 'refreshing'
  | 'expired'
  | 'unauthenticated'
  | 'signingIn'
  | 'signingOut'

/**
 * The session as code outside the chart sees it: who, with which claims, until when. It never
 * carries a token: take the access token from `getToken()` (which waits for a due refresh),
 * `auth.fetch` or a token sink. Frozen: changing it cannot change the chart.
 */
export interface SessionInfo {
  readonly user: Readonly<AuthUser>
  readonly claims: Readonly<Claims>
  /** When the access token expires, in ms since the epoch on the client's clock. */
  readonly expiresAt: number
  /** Whether the session holds a refresh token (the token itself stays in the chart). */
  readonly refreshable: boolean
}

/** What `getSnapshot()` returns and `subscribe` listeners receive. Frozen, and free of tokens. */
export interface AuthSnapshot {
  readonly status: AuthStatus
  readonly session: SessionInfo | null
  readonly user: Readonly<AuthUser> | null
  readonly claims: Readonly<Claims> | null
  readonly error: AuthError | null
}
