// Transitions of the real authMachine that the generated paths do not take, each with the
// reason. `environmentModel.test.ts` fails when a transition is neither taken nor listed here,
// and when one listed here is taken (so this list cannot go stale).
//
// "unreachable" means no public API call or environment step can trigger it; "not modelled"
// means the environment model has no step for it yet, and names the test that covers it instead.

export const UNREACHABLE_TRANSITIONS: Record<string, string> = {
  'auth.checkingRestored --always[0]':
    'not modelled: a restored session past expiry with no refresh token; the fake server always issues refresh tokens (lifecycle.test.ts)',
  'auth.validating --error actor[0]':
    'not modelled: validate rejected (a revoked access token); the fake server validates every token it signed (failures.test.ts)',
  'auth.validating --error actor[1]':
    'not modelled: validate rejected with no refresh token to fall back on (failures.test.ts)',
  'auth.validating --error actor[2]':
    'unreachable through the model: the token must become due between checkingRestored (which routes due tokens to refreshing) and a transient validate error in the same step',
  'auth.refreshing.routing --always[2]':
    'not modelled: a server whose new tokens arrive already due (clock skew); clockSkew.test.ts covers it',
  'auth.refreshing.backingOff --session.check[0]':
    'unreachable through the core client: getToken never sends session.check while backing off; only authchart/vanilla browser events (online, focus) do',
  'auth.refreshing.backingOff --session.refreshTimeout[1]':
    'not modelled: two refresh() callers waiting in backoff, one timing out',
  'auth.refreshing.awaitingClaims --session.refresh[0]':
    'not modelled: a refresh() call in the 250 ms between forced claims retries (freshClaims.test.ts)',
  'auth.refreshing.awaitingClaims --session.refreshTimeout[1]':
    'not modelled: two refresh({ until }) callers, one timing out',
}
