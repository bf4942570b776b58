import { assign, enqueueActions, not } from 'xstate'
import { AuthError, RequestTimeoutError } from '../src/errors.js'
import {
  adoptSessionOutput,
  asAuthError,
  authSetup,
  due,
  emitSettlements,
  expiredBy,
  heldSession,
} from './authSetup.js'
import { isJoined, needsForce, settleAll, settleOnSuccess, waitersOf } from './refreshWaiters.js'
import { canRefresh, isNewerSession } from './sessionTiming.js'

/**
 * `refreshing`: the one refresh in flight and everything around it. Callers are waiters on the
 * request; a transient failure backs off, a rejection ends in `expired`, and a `refresh({ until })`
 * keeps forcing new tokens (with backoff) until the claims arrive or the caller gives up.
 *
 * @example
 * authSetup.createMachine({ states: { refreshing: refreshingState } })
 */
export const refreshingState = authSetup.createStateConfig({
  initial: 'starting',
  entry: assign({ attempt: 0, claimsAttempt: 0 }),
  on: {
    'tab.sessionChanged': {
      guard: ({ context, event }) => isNewerSession(event.session, context.session),
      target: '.routing',
      actions: [
        'adoptTabSession',
        enqueueActions(({ context, enqueue }) => {
          // Another tab's session answers every call its claims satisfy, joined or not.
          const { settled, remaining } = settleOnSuccess(waitersOf(context), heldSession(context).claims, () => true)
          emitSettlements(enqueue, settled, context.session)
          enqueue.assign({ calls: remaining })
        }),
      ],
    },
    'session.refreshTimeout': { actions: 'timeOutWaiter' },
  },
  states: {
    // Every way into `refreshing` passes here: no request without a refresh token (unless the
    // adapter refreshes without one), and none before a failed request's backoff has run out.
    starting: {
      always: [
        {
          guard: ({ context }) => !canRefresh(context, context.session) && due(context),
          target: '#auth.session.expired',
          actions: 'expireWithoutRefreshToken',
        },
        // Asked for a refresh it cannot make while the token is still good: the call fails, the
        // session stays until it comes due.
        {
          guard: not('canRefreshSession'),
          target: '#auth.session.authenticated',
          actions: 'refuseRefreshWithoutToken',
        },
        { guard: 'isBackingOff', target: 'backingOff' },
        { target: 'requesting' },
      ],
    },
    requesting: {
      // This request answers every call waiting as it starts, and bypasses the cache if one of
      // them needs it.
      entry: assign({
        calls: ({ context }) => waitersOf(context).map((w) => ({ ...w, joined: true })),
        forcedRequest: ({ context }) => waitersOf(context).some(needsForce),
      }),
      invoke: {
        src: 'refreshSession',
        input: ({ context }) => ({
          session: heldSession(context),
          force: context.forcedRequest,
          refreshTokenAt: context.refreshTokenAt,
        }),
        onDone: {
          target: 'routing',
          actions: [
            enqueueActions(({ event, enqueue }) => adoptSessionOutput(enqueue, event.output)),
            enqueueActions(({ context, enqueue }) => {
              const { settled, remaining } = settleOnSuccess(waitersOf(context), heldSession(context).claims, isJoined)
              emitSettlements(enqueue, settled, context.session)
              enqueue.assign({ calls: remaining })
            }),
          ],
        },
        onError: [
          {
            guard: ({ event }) => asAuthError(event.error).kind === 'rejected',
            target: '#auth.session.expired',
            actions: [
              enqueueActions(({ context, event, enqueue }) => {
                const error = expiredBy(context, event.error, 'refresh_rejected')
                enqueue.assign({ error })
                enqueue.emit({ type: 'refreshRejected', error, tokenAge: error.tokenAge })
                emitSettlements(enqueue, settleAll(context.calls, error), null)
                enqueue.assign({ calls: [] })
              }),
            ],
          },
          {
            target: 'afterFailure',
            actions: [assign({ error: ({ event }) => asAuthError(event.error) }), 'failTransient'],
          },
        ],
      },
      after: {
        requestTimeout: {
          target: 'afterFailure',
          actions: [assign({ error: () => new RequestTimeoutError('the refresh request timed out') }), 'failTransient'],
        },
      },
      on: { 'session.refresh': { actions: ['addWaiterToCurrentRequest', 'startRefreshTimer'] } },
    },
    routing: {
      always: [
        // A call the last request was not for (it needs a bypass that request lacked, or came
        // while none was in flight) goes out now.
        { guard: ({ context }) => waitersOf(context).some((w) => !w.joined), target: 'requesting' },
        { guard: ({ context }) => context.calls.length > 0, target: 'awaitingClaims' },
        {
          // A token that is due the moment it arrives would otherwise be refreshed in a loop;
          // back off as from a transient failure instead.
          guard: 'isRefreshDue',
          target: 'afterFailure',
          actions: [
            assign({
              error: () =>
                new AuthError('the new token is already due for refresh; is the device clock or expiresAt wrong?'),
            }),
            'failTransient',
          ],
        },
        { target: '#auth.session.authenticated' },
      ],
    },
    afterFailure: {
      always: [
        {
          guard: ({ context }) => context.calls.length === 0 && !due(context),
          target: '#auth.session.authenticated',
        },
        { target: 'backingOff' },
      ],
    },
    backingOff: {
      // I1's one exception: while a transient failure backs off, the held token is served until it
      // expires (src/decideToken.ts).
      tags: ['token.untilExpiry'],
      // Online, the retry goes out at `retryAt`. Offline (the network region), a retry on the
      // growing backoff could only fail again: it waits at least the longest delay instead, and
      // `network.online` re-enters this state, so the retry goes out at `retryAt` after all.
      after: {
        retryDelay: { guard: not('isOffline'), target: 'requesting' },
        offlineRetryDelay: 'requesting',
      },
      on: {
        // The page woke after its timer should have fired (a device that slept): retry now. Before
        // `retryAt` nothing starts a request, so no event can turn backoff into a hot loop.
        'session.check': { guard: not('isBackingOff'), target: 'requesting' },
        // Back online: wait only for `retryAt`, not the longest delay an offline backoff chose.
        'network.online': { target: 'backingOff', reenter: true },
        // Answered by the retry when the backoff ends.
        'session.refresh': { actions: ['addWaiterForNextRequest', 'startRefreshTimer'] },
        'session.refreshTimeout': [
          {
            guard: ({ context, event }) => !due(context) && context.calls.every((w) => w.id === event.id),
            target: '#auth.session.authenticated',
            actions: 'timeOutWaiter',
          },
          { actions: 'timeOutWaiter' },
        ],
      },
    },
    awaitingClaims: {
      // The new token is held and not yet due: getToken() serves it while `refresh({ until })` waits.
      tags: ['token.untilDue'],
      entry: assign({ claimsAttempt: ({ context }) => context.claimsAttempt + 1 }),
      after: { claimsRetryDelay: 'requesting' },
      on: {
        'session.refresh': { actions: ['addWaiterForNextRequest', 'startRefreshTimer'] },
        'session.refreshTimeout': [
          {
            guard: ({ context, event }) => context.calls.every((w) => w.id === event.id),
            target: '#auth.session.authenticated',
            actions: 'timeOutWaiter',
          },
          { actions: 'timeOutWaiter' },
        ],
      },
    },
  },
})
