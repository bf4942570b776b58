import { assign, emit, enqueueActions, spawnChild, stopChild } from 'xstate'
import { RequestTimeoutError, SessionExpiredError } from '../src/errors.js'
import type { PendingCall } from './AuthContext.js'
import {
  adoptSessionOutput,
  asAuthError,
  authSetup,
  due,
  emitSettlements,
  expiredBy,
  heldSession,
  now,
} from './authSetup.js'
import { settleAll } from './refreshWaiters.js'
import { refreshingState } from './refreshingState.js'
import { canRefresh, isNewerSession, isPastExpiry } from './sessionTiming.js'

// The session: who is signed in, with which token, and what the chart is doing about it. Its
// top-level state is the client's public `status`.
const sessionRegion = authSetup.createStateConfig({
  initial: 'restoring',
  on: {
    'auth.signIn': {
      target: '.signingIn',
      actions: ['cancelCalls', assign({ calls: ({ event }): PendingCall[] => [{ kind: 'signIn', id: event.id }] })],
    },
    'auth.signOut': {
      target: '.signingOut',
      actions: [
        'cancelCalls',
        // The adapter's sign-out is handed the session before the chart drops it (the sinks go to
        // null in this same step, I4): only that actor holds it, and `signingOut` stops it on exit.
        spawnChild('signOutSession', { id: 'signOut', input: ({ context }) => ({ session: context.session }) }),
        assign({ error: null }),
        'endSession',
        'syncSinks',
        'clearStoredSession',
        'announceSignOut',
      ],
    },
    'tab.signedOut': {
      guard: 'hasSession',
      target: '.unauthenticated',
      actions: [
        'cancelCalls',
        'endSession',
        assign({ error: null }),
        'syncSinks',
        enqueueActions(({ event, enqueue }) => {
          // Another tab already cleared the shared store; a sign-out reported by the SDK has not.
          if (event.type === 'tab.signedOut' && event.origin === 'adapter') enqueue('clearStoredSession')
        }),
      ],
    },
    'effect.failed': {
      actions: [assign({ error: ({ event }) => event.error }), 'reportError'],
    },
  },
  states: {
    restoring: {
      invoke: {
        src: 'restoreSession',
        onDone: [
          {
            guard: ({ event }) => event.output.session === null,
            target: 'unauthenticated',
            actions: [assign({ error: ({ event }) => event.output.error }), 'reportRestoreError'],
          },
          {
            target: 'checkingRestored',
            actions: [
              assign({
                session: ({ event }) => event.output.session,
                // Stryker disable next-line OptionalChaining: equivalent, this branch runs only when the guard above found a session
                user: ({ event }) => event.output.session?.user ?? null,
                refreshTokenAt: ({ event }) => event.output.refreshTokenAt,
                error: ({ event }) => event.output.error,
              }),
              'reportRestoreError',
            ],
          },
        ],
        onError: {
          target: 'unauthenticated',
          actions: [assign({ error: ({ event }) => asAuthError(event.error) }), 'reportError'],
        },
      },
    },
    // Routes a restored session: an expired one that cannot be refreshed ends here, a due one is
    // refreshed before anyone trusts it, any other is validated.
    checkingRestored: {
      entry: 'syncSinks',
      always: [
        {
          guard: ({ context }) =>
            context.session !== null &&
            isPastExpiry(context.session, now(context)) &&
            !canRefresh(context, context.session),
          target: 'expired',
          actions: assign({ error: () => new SessionExpiredError('token_expired') }),
        },
        { guard: ({ context }) => due(context) && canRefresh(context, context.session), target: 'refreshing' },
        { target: 'validating' },
      ],
    },
    validating: {
      invoke: {
        src: 'validateSession',
        input: ({ context }) => ({ session: heldSession(context) }),
        onDone: {
          target: 'authenticated',
          actions: assign({
            session: ({ context, event }) =>
              event.output.user && context.session ? { ...context.session, user: event.output.user } : context.session,
            user: ({ context, event }) => event.output.user ?? context.user,
          }),
        },
        onError: [
          {
            // Recovered by a refresh, and still reported: a validate that fails on every restore
            // is a bug someone must see.
            guard: ({ context, event }) =>
              asAuthError(event.error).kind === 'rejected' && canRefresh(context, context.session),
            target: 'refreshing',
            actions: [assign({ error: ({ event }) => asAuthError(event.error) }), 'reportError'],
          },
          {
            guard: ({ event }) => asAuthError(event.error).kind === 'rejected',
            target: 'expired',
            actions: assign({ error: ({ context, event }) => expiredBy(context, event.error, 'validation_rejected') }),
          },
          {
            guard: ({ context }) => due(context) && canRefresh(context, context.session),
            target: 'refreshing',
            actions: [assign({ error: ({ event }) => asAuthError(event.error) }), 'reportError'],
          },
          {
            target: 'authenticated',
            actions: [assign({ error: ({ event }) => asAuthError(event.error) }), 'reportError'],
          },
        ],
      },
      after: {
        requestTimeout: {
          target: 'authenticated',
          actions: [
            assign({ error: () => new RequestTimeoutError('validating the session timed out') }),
            'reportError',
          ],
        },
      },
      on: {
        'tab.sessionChanged': {
          guard: ({ context, event }) => isNewerSession(event.session, context.session),
          target: 'authenticated',
          actions: 'adoptTabSession',
        },
      },
    },
    authenticated: {
      // What getToken() may serve here (src/decideToken.ts): the held token until it is due; once
      // due, the chart is told (`session.check`), as a sleeping device's timer may not have fired.
      tags: ['token.untilDue', 'token.checkWhenDue'],
      after: {
        refreshCheckDelay: [
          { guard: 'isRefreshDue', target: 'refreshing' },
          // Re-entering reschedules the check from the clock's current time (device sleep).
          { target: 'authenticated', reenter: true },
        ],
      },
      on: {
        'session.check': { guard: 'isRefreshDue', target: 'refreshing' },
        'session.refresh': { target: 'refreshing', actions: ['addWaiterForNextRequest', 'startRefreshTimer'] },
        'tab.sessionChanged': {
          guard: ({ context, event }) => isNewerSession(event.session, context.session),
          target: 'authenticated',
          reenter: true,
          actions: 'adoptTabSession',
        },
      },
    },
    refreshing: refreshingState,
    expired: {
      entry: ['dropSession', 'syncSinks', 'clearStoredSession', 'reportError'],
      on: {
        // A later, unrelated failure (a bad tab message) is still reported, but must not replace
        // the SessionExpiredError that says why the session ended.
        'effect.failed': { actions: emit(({ event }) => ({ type: 'error' as const, error: event.error })) },
        'tab.sessionChanged': { target: 'authenticated', actions: 'adoptTabSession' },
        // A refresh() here is refused with the reason the session ended.
        'session.refresh': { actions: 'refuseRefresh' },
      },
    },
    unauthenticated: {
      on: {
        'tab.sessionChanged': { target: 'authenticated', actions: 'adoptTabSession' },
        'session.refresh': { actions: 'refuseRefresh' },
      },
    },
    signingIn: {
      invoke: {
        src: 'signInWithCredentials',
        input: ({ event }) => ({ credentials: event.type === 'auth.signIn' ? event.credentials : undefined }),
        onDone: {
          target: 'authenticated',
          actions: [
            enqueueActions(({ event, enqueue }) => adoptSessionOutput(enqueue, event.output)),
            // The sign-in call is the only one pending while `signingIn` runs.
            enqueueActions(({ context, enqueue }) => {
              emitSettlements(enqueue, settleAll(context.calls, null), context.session)
              enqueue.assign({ calls: [] })
            }),
          ],
        },
        onError: [
          {
            // A failed sign-in while a session is held keeps that session.
            guard: 'hasSession',
            target: 'authenticated',
            actions: 'failSignIn',
          },
          { target: 'unauthenticated', actions: 'failSignIn' },
        ],
      },
      on: {
        'tab.signedOut': {},
      },
    },
    // The sign-out actor was spawned by `auth.signOut`, with the session it ends as its input.
    signingOut: {
      exit: stopChild('signOut'),
      after: {
        requestTimeout: {
          target: 'unauthenticated',
          actions: [assign({ error: () => new RequestTimeoutError('signing out timed out') }), 'reportError'],
        },
      },
      on: {
        'auth.signOut': {},
        'tab.signedOut': {},
        'xstate.done.actor.signOut': { target: 'unauthenticated' },
        'xstate.error.actor.signOut': {
          target: 'unauthenticated',
          actions: [assign({ error: ({ event }) => asAuthError(event.error) }), 'reportError'],
        },
      },
    },
  },
})

// The network as the platform reports it (`auth.notify('offline' | 'online')`). Offline, a failed
// refresh waits for the longest backoff instead of retrying into a dead network (`backingOff`).
const networkRegion = authSetup.createStateConfig({
  initial: 'online',
  states: {
    online: { on: { 'network.offline': 'offline' } },
    offline: { on: { 'network.online': 'online' } },
  },
})

/**
 * The auth session statechart. Pure: time and randomness come from `input.env`, and every effect
 * (adapter calls, storage, sinks) is an actor or action the client provides.
 *
 * @example
 * const actor = createActor(
 *   authMachine.provide({ actors: { refreshSession: fromPromise(...) }, actions: { syncSinks } }),
 *   { input: { refreshMargin: 60_000, refreshesWithoutToken: false, retry, env } },
 * )
 */
export const authMachine = authSetup.createMachine({
  id: 'auth',
  type: 'parallel',
  context: ({ input }) => ({
    config: input,
    session: null,
    user: null,
    error: null,
    refreshTokenAt: null,
    attempt: 0,
    claimsAttempt: 0,
    retryAt: 0,
    forcedRequest: false,
    calls: [],
  }),
  // For as long as the chart runs: XState starts it with the chart and stops (aborts) it with it.
  invoke: { id: 'sessionChanges', src: 'watchSessionChanges' },
  states: {
    session: sessionRegion,
    network: networkRegion,
  },
})
