import { assign, setup } from 'xstate'

/**
 * Every step of the environment model, in a stable order (the traversal tries them in this
 * order): something a user, a tab, the clock, the network or the server does. Each one is
 * carried out on real authchart clients by `runAuthScenario`.
 */
export const AUTH_ENVIRONMENT_EVENTS = [
  'tabA.signIn',
  'tabA.getToken',
  'tabB.getToken',
  'tabA.forceRefresh',
  'tabA.refreshUntilClaims',
  'clock.reachesMargin',
  'clock.reachesExpiry',
  'refresh.resolves',
  'network.drops',
  'network.returns',
  'server.losesStore',
  'server.restarts',
  'server.expiresAccessToken',
  'server.revokesSession',
  'server.failsNext',
  'server.changesClaims',
  'page.reloads',
  'restore.throws',
  'storage.corrupted',
  'tabB.signsOut',
  'tabB.hangsHoldingLock',
  'tabB.releasesLock',
  'tab.staleBroadcast',
  'realtime.joins',
  'tabB.signIn',
  'device.sleeps',
  'tabA.refreshTimesOut',
  'tabA.waitsForClaimsThatNeverCome',
  'tab.malformedBroadcast',
  'tabA.signsOutWhileServerHangs',
  'tabA.signInWhileTabBSignsOut',
  'page.reloadsWhileServerHangs',
  'page.reloadsWhileTabBRefreshes',
  'page.reloadsWithExpiredTokenlessSession',
  'page.reloadsWithRevokedTokenlessSession',
  'page.reloadsWithRevokedAccessToken',
  'server.answersAlreadyDueToken',
  'tabA.refreshTimesOutWhileBackingOff',
  'page.wakesWhileBackingOff',
  'tabA.secondClaimsCallerTimesOut',
  'page.reloadsAsTheMarginNears',
  'page.reloadsWithTokenlessSessionComingDue',
  'tabA.refreshesAgainDuringBackoff',
] as const

/** The name of a step of the environment model. */
export type AuthEnvironmentStep = (typeof AUTH_ENVIRONMENT_EVENTS)[number]

/** A step of the environment model as an event of it. */
export type AuthEnvironmentEvent = { type: AuthEnvironmentStep }

/**
 * The model's memory. Finite on purpose (enums and flags, no counters or timestamps), so that a
 * traversal of the model ends.
 */
export interface AuthEnvironmentContext {
  network: 'up' | 'down'
  /** `restarted`: the server lost every refresh token (its store, or a store kept in memory). */
  server: 'ok' | 'restarted'
  /** `changed`: the server issues new claims the held token lacks yet (seed 003). */
  claims: 'same' | 'changed'
  /** `hung`: another tab took the refresh lock and hangs. */
  lock: 'free' | 'hung'
  /** Whether an older session of this sign-in was broadcast (so a stale message can be replayed). */
  older: boolean
}

const initialContext: AuthEnvironmentContext = {
  network: 'up',
  server: 'ok',
  claims: 'same',
  lock: 'free',
  older: false,
}

/**
 * The abstract environment of an authchart app: one browser profile with two tabs (A and B), a
 * clock, a network and an auth server. Its states are what tab A's session should be:
 *
 * - `signedOut`: A holds no session (`unauthenticated` or `expired`);
 * - `fresh`: A holds a session outside the refresh margin (`authenticated`);
 * - `due`: the clock is inside the margin; A is `refreshing`;
 * - `expired`: the clock is past the token's expiry and A could not refresh yet (`refreshing`).
 *
 * The machine is pure (no invoke, no delays), so `@xstate/graph` can traverse it; the paths it
 * yields are run on real clients by `runAuthScenario`, which checks I1–I7 after every step.
 *
 * @example
 * import { getShortestPaths } from '@xstate/graph'
 * const paths = getShortestPaths(authEnvironmentModel, { events: authEnvironmentEvents })
 */
export const authEnvironmentModel = setup({
  types: { context: {} as AuthEnvironmentContext, events: {} as AuthEnvironmentEvent },
  guards: {
    isOnline: ({ context }) => context.network === 'up',
    isOffline: ({ context }) => context.network === 'down',
    // A refresh can complete: the network is up and no tab hangs on the lock.
    canComplete: ({ context }) => context.network === 'up' && context.lock === 'free',
    serverKnowsTokens: ({ context }) => context.server === 'ok',
    serverForgot: ({ context }) => context.server === 'restarted',
    claimsChanged: ({ context }) => context.claims === 'changed',
    claimsSame: ({ context }) => context.claims === 'same' && context.server === 'ok',
    lockFree: ({ context }) => context.lock === 'free',
    lockHung: ({ context }) => context.lock === 'hung',
    hasOlder: ({ context }) => context.older,
    // The steps below aim at one transition of the real chart each; what else the world is
    // doing adds nothing to them. Allowing them in one context only gives each a single vertex,
    // so they add a path apiece instead of one per context.
    calm: ({ context }) =>
      context.network === 'up' &&
      context.server === 'ok' &&
      context.claims === 'same' &&
      context.lock === 'free' &&
      !context.older,
    calmButOffline: ({ context }) =>
      context.network === 'down' &&
      context.server === 'ok' &&
      context.claims === 'same' &&
      context.lock === 'free' &&
      !context.older,
  },
  actions: {
    // A step that changes nothing the model tracks still happens in the world; the named no-op
    // keeps such self-loops visible to `snapshot.can()` and so to the traversal.
    observe: () => undefined,
    newSignIn: assign({ server: 'ok', claims: 'same', older: false }),
    refreshed: assign({ claims: 'same', older: true }),
  },
}).createMachine({
  id: 'environment',
  initial: 'signedOut',
  context: initialContext,
  on: {
    'tabA.getToken': { actions: 'observe' },
    'tabB.getToken': { actions: 'observe' },
    'realtime.joins': { actions: 'observe' },
    'network.drops': { guard: 'isOnline', actions: assign({ network: 'down' }) },
    'network.returns': { guard: 'isOffline', actions: assign({ network: 'up' }) },
    'page.reloads': { actions: 'observe' },
    'tab.malformedBroadcast': { actions: 'observe' },
  },
  states: {
    signedOut: {
      entry: assign({ older: false }),
      on: {
        'tabA.signIn': [{ guard: 'isOnline', target: 'fresh', actions: 'newSignIn' }, { actions: 'observe' }],
        'tabB.signIn': { guard: 'isOnline', target: 'fresh', actions: 'newSignIn' },
        'tabA.signInWhileTabBSignsOut': { guard: 'isOnline', target: 'fresh', actions: 'newSignIn' },
        // Signed out or expired, a refresh() is refused at once, with the reason.
        'tabA.forceRefresh': { actions: 'observe' },
        'restore.throws': { actions: 'observe' },
        'storage.corrupted': { actions: 'observe' },
        // A refresh the sign-out aborted must stay dead even if its answer arrives now.
        'refresh.resolves': { actions: 'observe' },
        // An SDK-style stored session without a refresh token: past expiry it cannot be saved,
        // and once the server rejects it there is nothing to fall back on. Both tabs end expired.
        'page.reloadsWithExpiredTokenlessSession': { guard: 'calm', actions: 'observe' },
        'page.reloadsWithRevokedTokenlessSession': { guard: 'calm', actions: 'observe' },
        // A valid stored session without a refresh token comes due: nothing can renew it, so it
        // ends without a request being sent.
        'page.reloadsWithTokenlessSessionComingDue': { guard: 'calm', actions: 'observe' },
      },
    },
    fresh: {
      on: {
        // A second sign-in that fails keeps the session held.
        'tabA.signIn': { guard: 'isOffline', actions: 'observe' },
        // The device slept past the margin; on waking the app asks for a token.
        'device.sleeps': 'due',
        // A server that lost the session refuses its access token too: the reload's validation is
        // rejected, so tab A refreshes (held until it resolves, and then refused).
        'page.reloads': [
          { guard: ({ context }) => context.network === 'up' && context.server === 'restarted', target: 'due' },
          { actions: 'observe' },
        ],
        'tabA.refreshTimesOut': { guard: 'isOnline', actions: 'observe' },
        // Offline, a forced refresh fails; a second one at once waits out the backoff first.
        'tabA.refreshesAgainDuringBackoff': { guard: 'calmButOffline', actions: 'observe' },
        // Sign-out while the server hangs: a second call, tab B's sign-out and the timeout meet it.
        'tabA.signsOutWhileServerHangs': 'signedOut',
        'page.reloadsWhileServerHangs': {
          guard: ({ context }) => context.network === 'up' && context.server === 'ok',
          actions: 'observe',
        },
        // A server that lost the session refuses its access token too: the reload refreshes
        // (and that refresh, held, is then refused).
        'page.reloadsWhileTabBRefreshes': {
          guard: ({ context }) => context.network === 'up' && context.lock === 'free' && context.server === 'ok',
          actions: 'refreshed',
        },
        // The server revoked the access token but not the refresh token: the reload refreshes.
        'page.reloadsWithRevokedAccessToken': { guard: 'calm', actions: 'refreshed' },
        // A reload just before the margin whose validation hangs, then fails transiently: the
        // token became due meanwhile, so the client refreshes rather than trust it.
        'page.reloadsAsTheMarginNears': { guard: 'calm', actions: 'refreshed' },
        // Two refresh({ until }) callers wait for claims; the impatient one gives up alone.
        'tabA.secondClaimsCallerTimesOut': { guard: 'calm', actions: 'refreshed' },
        'tabA.waitsForClaimsThatNeverCome': {
          guard: ({ context }) => context.lock === 'free' && context.server === 'ok',
          actions: 'observe',
        },
        'tabA.forceRefresh': [
          { guard: 'isOffline', actions: 'observe' },
          { guard: 'lockHung', actions: 'observe' },
          { guard: 'serverForgot', target: 'signedOut' },
          { actions: 'refreshed' },
        ],
        'tabA.refreshUntilClaims': {
          guard: ({ context }) =>
            context.claims === 'changed' &&
            context.network === 'up' &&
            context.lock === 'free' &&
            context.server === 'ok',
          actions: 'refreshed',
        },
        'clock.reachesMargin': 'due',
        // Backend moves of the user's control (each left out when the control lacks it): a restart
        // keeps every session (a durable store), an access token the server expired is refreshed
        // on reload, a revoked session ends, and failed answers are retried until one comes.
        'server.restarts': { guard: 'calm', actions: 'refreshed' },
        'server.expiresAccessToken': { guard: 'calm', actions: 'refreshed' },
        'server.revokesSession': { guard: 'calm', target: 'signedOut' },
        'server.failsNext': { guard: 'calm', actions: 'refreshed' },
        'server.losesStore': { guard: 'serverKnowsTokens', actions: assign({ server: 'restarted' }) },
        'server.changesClaims': { guard: 'claimsSame', actions: assign({ claims: 'changed' }) },
        'storage.corrupted': 'signedOut',
        'tabB.signsOut': 'signedOut',
        'tabB.hangsHoldingLock': { guard: 'lockFree', actions: assign({ lock: 'hung' }) },
        'tabB.releasesLock': { guard: 'lockHung', actions: assign({ lock: 'free' }) },
        'tab.staleBroadcast': { guard: 'hasOlder', actions: 'observe' },
      },
    },
    due: {
      on: {
        'refresh.resolves': [
          { guard: 'isOffline', actions: 'observe' },
          { guard: 'lockHung', actions: 'observe' },
          { guard: 'serverForgot', target: 'signedOut' },
          { target: 'fresh', actions: 'refreshed' },
        ],
        // A forced call that meets the unforced refresh in flight (auth0-spa-js #1691), or the backoff.
        'tabA.forceRefresh': [
          {
            guard: ({ context }) => context.network === 'up' && context.lock === 'free' && context.server === 'ok',
            target: 'fresh',
            actions: 'refreshed',
          },
          { guard: 'isOffline', actions: 'observe' },
        ],
        // The new token is already inside the margin (a wrong expiresAt or clock skew): the
        // client backs off instead of refreshing in a loop, and the retry brings a good one.
        'server.answersAlreadyDueToken': { guard: 'calm', target: 'fresh', actions: 'refreshed' },
        // Offline and backing off with the token due, a refresh({ until }) caller gives up.
        'tabA.refreshTimesOutWhileBackingOff': { guard: 'calmButOffline', actions: 'observe' },
        // Offline and backing off, the page becomes visible: nothing is sent before the backoff
        // ends; woken after it should have ended (the device slept), the check retries at once.
        'page.wakesWhileBackingOff': { guard: 'calmButOffline', actions: 'observe' },
        'clock.reachesExpiry': 'expired',
        'server.losesStore': { guard: 'serverKnowsTokens', actions: assign({ server: 'restarted' }) },
        'server.changesClaims': { guard: 'claimsSame', actions: assign({ claims: 'changed' }) },
        'storage.corrupted': 'signedOut',
        'tabB.signsOut': 'signedOut',
        'tabB.releasesLock': { guard: 'lockHung', actions: assign({ lock: 'free' }) },
        'tab.staleBroadcast': { guard: 'hasOlder', actions: 'observe' },
      },
    },
    expired: {
      on: {
        'refresh.resolves': [
          { guard: 'isOffline', actions: 'observe' },
          { guard: 'lockHung', actions: 'observe' },
          { guard: 'serverForgot', target: 'signedOut' },
          { target: 'fresh', actions: 'refreshed' },
        ],
        'storage.corrupted': 'signedOut',
        'tabB.signsOut': 'signedOut',
        'tabB.releasesLock': { guard: 'lockHung', actions: assign({ lock: 'free' }) },
      },
    },
  },
})

/** One event object per type, for `getShortestPaths(model, { events })`. */
export const authEnvironmentEvents: AuthEnvironmentEvent[] = AUTH_ENVIRONMENT_EVENTS.map((type) => ({ type }))
