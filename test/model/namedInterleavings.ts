import type { AuthEnvironmentEvent } from 'authchart/testing'

const steps = (...types: Array<AuthEnvironmentEvent['type']>): AuthEnvironmentEvent[] =>
  types.map((type) => ({ type }) as AuthEnvironmentEvent)

/**
 * Interleavings worth naming: the race of a bug report, written as model steps. The same model
 * state can hide different real states (offline before or after the refresh started), so the
 * shortest paths alone do not take them all.
 */
export const namedInterleavings: Record<string, AuthEnvironmentEvent[]> = {
  'offline before the margin, then a forced refresh during the backoff': steps(
    'tabA.signIn',
    'network.drops',
    'clock.reachesMargin',
    'tabA.forceRefresh',
    'network.returns',
    'refresh.resolves',
  ),
  'auth0-spa-js #1691: a forced refresh meets the cached one in flight': steps(
    'tabA.signIn',
    'clock.reachesMargin',
    'tabA.forceRefresh',
    'tabB.getToken',
  ),
  'supabase auth-js #213: both tabs due at once, one request': steps(
    'tabA.signIn',
    'clock.reachesMargin',
    'tabA.getToken',
    'tabB.getToken',
    'refresh.resolves',
    'tabB.getToken',
  ),
  // Signed out offline, so the server never revoked the token: its late answer is a real session.
  'late answer after sign-out': steps(
    'tabA.signIn',
    'clock.reachesMargin',
    'network.drops',
    'tabB.signsOut',
    'network.returns',
    'refresh.resolves',
    'page.reloads',
  ),
  'seed 002: the server loses its store, every tab ends expired with a reason': steps(
    'tabA.signIn',
    'server.losesStore',
    'clock.reachesMargin',
    'refresh.resolves',
    'tabB.getToken',
  ),
  'supabase-js #1594: a tab hangs on the lock, the other keeps serving its valid token': steps(
    'tabA.signIn',
    'tabB.hangsHoldingLock',
    'clock.reachesMargin',
    'tabA.getToken',
    'tabB.releasesLock',
    'refresh.resolves',
  ),
  'a stale broadcast after a refresh': steps(
    'tabA.signIn',
    'clock.reachesMargin',
    'refresh.resolves',
    'tab.staleBroadcast',
    'tabB.getToken',
  ),
  'seed 003: claims change, forced refresh until they arrive': steps(
    'tabA.signIn',
    'server.changesClaims',
    'tabA.refreshUntilClaims',
    'realtime.joins',
  ),
}
