import type { AuthError } from './errors.js'
import type { AuthUser, Claims, Session } from './Session.js'

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

/** What `getSnapshot()` returns and `subscribe` listeners receive. */
export interface AuthSnapshot {
  status: AuthStatus
  session: Session | null
  user: AuthUser | null
  claims: Claims | null
  error: AuthError | null
}
