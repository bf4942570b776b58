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
          target: '#auth.expired',
          actions: 'expireWithoutRefreshToken',
        },
        // Asked for a refresh it cannot make while the token is still good: the call fails, the
        // session stays until it comes due.
        { guard: not('canRefreshSession'), target: '#auth.authenticated', actions: 'refuseRefreshWithoutToken' },
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
            target: '#auth.expired',
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
        { target: '#auth.authenticated' },
      ],
    },
    afterFailure: {
      always: [
        {
          guard: ({ context }) => context.calls.length === 0 && !due(context),
          target: '#auth.authenticated',
        },
        { target: 'backingOff' },
      ],
    },
    backingOff: {
      // Offline, the delay is the longest one (authSetup's `retryDelay`), and `network.online`
      // retries at once.
      after: { retryDelay: 'requesting' },
      on: {
        // The page woke after its timer should have fired (a device that slept): retry now. Before
        // `retryAt` nothing starts a request, so no event can turn backoff into a hot loop.
        'session.check': { guard: not('isBackingOff'), target: 'requesting' },
        // Back online: wait only for `retryAt`, not the longest delay an offline backoff chose.
        'network.online': { target: 'backingOff', reenter: true, actions: assign({ offline: false }) },
        // Answered by the retry when the backoff ends.
        'session.refresh': { actions: ['addWaiterForNextRequest', 'startRefreshTimer'] },
        'session.refreshTimeout': [
          {
            guard: ({ context, event }) => !due(context) && context.calls.every((w) => w.id === event.id),
            target: '#auth.authenticated',
            actions: 'timeOutWaiter',
          },
          { actions: 'timeOutWaiter' },
        ],
      },
    },
    awaitingClaims: {
      entry: assign({ claimsAttempt: ({ context }) => context.claimsAttempt + 1 }),
      after: { claimsRetryDelay: 'requesting' },
      on: {
        'session.refresh': { actions: ['addWaiterForNextRequest', 'startRefreshTimer'] },
        'session.refreshTimeout': [
          {
            guard: ({ context, event }) => context.calls.every((w) => w.id === event.id),
            target: '#auth.authenticated',
            actions: 'timeOutWaiter',
          },
          { actions: 'timeOutWaiter' },
        ],
      },
    },
  },
})
