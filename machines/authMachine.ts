import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate'
import { AuthError, NotAuthenticatedError, RequestTimeoutError, SessionExpiredError } from '../src/errors.js'
import type { AuthUser, Session } from '../src/Session.js'
import type {
  AuthContext,
  AuthEmitted,
  AuthEvent,
  AuthMachineInput,
  RefreshInput,
  RestoreOutput,
  SessionOutput,
} from './AuthContext.js'
import { type Settlement, settleAll, settleOnSuccess, settleOnTransient } from './refreshWaiters.js'
import {
  backoffDelay,
  canRefresh,
  checkDelay,
  claimsDelay,
  isDue,
  isNewerSession,
  isPastExpiry,
} from './sessionTiming.js'

// The chart declares its effects; the client provides them with `.provide()`. These stand-ins
// fail loudly so a chart started without its effects cannot pass for a working one.
function notProvided<Output, Input = unknown>(name: string) {
  return fromPromise<Output, Input>(async () => {
    throw new Error(`authchart: the ${name} actor was not provided`)
  })
}

function asAuthError(value: unknown): AuthError {
  return value instanceof AuthError ? value : new AuthError('unexpected failure', { cause: value })
}

const now = (context: AuthContext) => context.config.env.now()
const due = (context: AuthContext) =>
  context.session !== null && isDue(context.session, now(context), context.config.refreshMargin)

type Enqueue = { emit: (event: AuthEmitted) => void }
function emitSettlements(enqueue: Enqueue, settled: Settlement[], session: Session | null) {
  for (const { id, error } of settled) enqueue.emit({ type: 'refresh.settled', id, error, session })
}

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
export const authMachine = setup({
  types: {
    context: {} as AuthContext,
    events: {} as AuthEvent,
    emitted: {} as AuthEmitted,
    input: {} as AuthMachineInput,
  },
  actors: {
    restoreSession: notProvided<RestoreOutput>('restoreSession'),
    validateSession: notProvided<{ user?: AuthUser | undefined }, { session: Session }>('validateSession'),
    signInWithCredentials: notProvided<SessionOutput, { credentials: unknown }>('signInWithCredentials'),
    refreshSession: notProvided<SessionOutput, RefreshInput>('refreshSession'),
    signOutSession: notProvided<void, { session: Session | null }>('signOutSession'),
  },
  actions: {
    /** Pushes `context.session?.accessToken ?? null` to every token sink. Provided by the client. */
    syncSinks: () => undefined,
    /** Removes the stored session. Provided by the client. */
    clearStoredSession: () => undefined,
    /** Stores `context.session`. Provided by the client. */
    storeSession: () => undefined,
    reportError: emit(({ context }) => ({
      type: 'error' as const,
      error: context.error ?? new AuthError('unknown failure'),
    })),
    cancelRefreshWaiters: enqueueActions(({ context, enqueue }) => {
      emitSettlements(enqueue, settleAll(context.waiters, new NotAuthenticatedError('the session ended')).settled, null)
      enqueue.assign({ waiters: [] })
    }),
    cancelSignIn: enqueueActions(({ context, enqueue }) => {
      if (context.signInId === null) return
      enqueue.emit({
        type: 'signIn.settled',
        id: context.signInId,
        error: new NotAuthenticatedError('sign-in was cancelled by a newer call'),
      })
      enqueue.assign({ signInId: null })
    }),
    endSession: assign({ session: null, user: null, refreshTokenAt: null, attempt: 0 }),
    // `expired` keeps the user so the UI can say who has to sign in again.
    dropSession: assign({ session: null, refreshTokenAt: null, attempt: 0 }),
    adoptTabSession: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'tab.sessionChanged') return
      enqueue.assign({
        session: event.session,
        user: event.session.user,
        refreshTokenAt: event.refreshTokenAt,
        error: null,
      })
      enqueue('syncSinks')
      if (event.origin === 'adapter') enqueue('storeSession')
    }),
    addWaiterForNextRequest: assign({
      waiters: ({ context, event }) =>
        event.type === 'session.refresh'
          ? [...context.waiters, { id: event.id, force: event.force, until: event.until, minGen: context.gen + 1 }]
          : context.waiters,
    }),
    // A call joins the request in flight unless it needs a cache bypass that request lacks; then
    // it is answered by the next, forced, request instead.
    addWaiterToCurrentRequest: assign({
      waiters: ({ context, event }) => {
        if (event.type !== 'session.refresh') return context.waiters
        const needsForce = event.force || event.until !== undefined
        const minGen = needsForce && !context.inflightForce ? context.gen + 1 : context.gen
        return [...context.waiters, { id: event.id, force: event.force, until: event.until, minGen }]
      },
    }),
    timeOutWaiter: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'session.refreshTimeout') return
      if (!context.waiters.some((w) => w.id === event.id)) return
      enqueue.emit({ type: 'refresh.settled', id: event.id, error: event.error, session: context.session })
      enqueue.assign({ waiters: context.waiters.filter((w) => w.id !== event.id) })
    }),
    failTransient: enqueueActions(({ context, enqueue }) => {
      const error = context.error ?? new AuthError('refresh failed')
      const { settled, remaining } = settleOnTransient(context.waiters, error)
      emitSettlements(enqueue, settled, context.session)
      enqueue.assign({ waiters: remaining, attempt: context.attempt + 1 })
      enqueue('reportError')
    }),
    failSignIn: enqueueActions(({ context, event, enqueue }) => {
      const error = asAuthError('error' in event ? event.error : undefined)
      enqueue.assign({ error, signInId: null })
      enqueue.emit({ type: 'error', error })
      if (context.signInId !== null) enqueue.emit({ type: 'signIn.settled', id: context.signInId, error })
    }),
  },
  guards: {
    isRefreshDue: ({ context }) => due(context),
    canRefreshSession: ({ context }) => canRefresh(context, context.session),
    hasSession: ({ context }) => context.session !== null,
  },
  delays: {
    refreshCheckDelay: ({ context }) => checkDelay(context.session, now(context), context.config.refreshMargin),
    retryDelay: ({ context }) =>
      backoffDelay(
        context.config.retry,
        context.attempt,
        context.config.env.random(),
        context.error instanceof AuthError && 'retryAfterMs' in context.error
          ? (context.error.retryAfterMs as number | undefined)
          : undefined,
      ),
    claimsRetryDelay: ({ context }) => claimsDelay(context.config.retry, context.claimsAttempt),
    requestTimeout: ({ context }) => context.config.retry.requestTimeout,
  },
}).createMachine({
  id: 'auth',
  initial: 'restoring',
  context: ({ input }) => ({
    config: input,
    session: null,
    user: null,
    error: null,
    refreshTokenAt: null,
    endedSession: null,
    attempt: 0,
    claimsAttempt: 0,
    gen: 0,
    inflightForce: false,
    waiters: [],
    signInId: null,
  }),
  on: {
    'auth.signIn': {
      target: '.signingIn',
      actions: ['cancelRefreshWaiters', 'cancelSignIn', assign({ signInId: ({ event }) => event.id })],
    },
    'auth.signOut': {
      target: '.signingOut',
      actions: [
        'cancelRefreshWaiters',
        'cancelSignIn',
        assign({ endedSession: ({ context }) => context.session, error: null }),
        'endSession',
        'syncSinks',
        'clearStoredSession',
      ],
    },
    'tab.signedOut': {
      guard: 'hasSession',
      target: '.unauthenticated',
      actions: [
        'cancelRefreshWaiters',
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
            actions: assign({ error: ({ event }) => event.output.error }),
          },
          {
            target: 'checkingRestored',
            actions: assign({
              session: ({ event }) => event.output.session,
              user: ({ event }) => event.output.session?.user ?? null,
              refreshTokenAt: ({ event }) => event.output.refreshTokenAt,
              error: ({ event }) => event.output.error,
            }),
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
        input: ({ context }) => ({ session: context.session as Session }),
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
            guard: ({ context, event }) =>
              asAuthError(event.error).kind === 'rejected' && canRefresh(context, context.session),
            target: 'refreshing',
          },
          {
            guard: ({ event }) => asAuthError(event.error).kind === 'rejected',
            target: 'expired',
            actions: assign({
              error: ({ event }) => new SessionExpiredError('validation_rejected', { cause: event.error }),
            }),
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
      after: {
        refreshCheckDelay: [
          { guard: 'isRefreshDue', target: 'refreshing' },
          // Re-entering reschedules the check from the clock's current time (device sleep).
          { target: 'authenticated', reenter: true },
        ],
      },
      on: {
        'session.check': { guard: 'isRefreshDue', target: 'refreshing' },
        'session.refresh': { target: 'refreshing', actions: 'addWaiterForNextRequest' },
        'tab.sessionChanged': {
          guard: ({ context, event }) => isNewerSession(event.session, context.session),
          target: 'authenticated',
          reenter: true,
          actions: 'adoptTabSession',
        },
      },
    },
    refreshing: {
      initial: 'requesting',
      entry: assign({ attempt: 0, claimsAttempt: 0 }),
      on: {
        'tab.sessionChanged': {
          guard: ({ context, event }) => isNewerSession(event.session, context.session),
          target: '.routing',
          actions: [
            'adoptTabSession',
            enqueueActions(({ context, enqueue }) => {
              const { settled, remaining } = settleOnSuccess(
                context.waiters,
                Number.MAX_SAFE_INTEGER,
                (context.session as Session).claims,
              )
              emitSettlements(enqueue, settled, context.session)
              enqueue.assign({ waiters: remaining })
            }),
          ],
        },
        'session.refreshTimeout': { actions: 'timeOutWaiter' },
      },
      states: {
        requesting: {
          entry: assign({
            gen: ({ context }) => context.gen + 1,
            inflightForce: ({ context }) => context.waiters.some((w) => w.force || w.until !== undefined),
          }),
          invoke: {
            src: 'refreshSession',
            input: ({ context }) => ({
              session: context.session as Session,
              force: context.inflightForce,
              refreshTokenAt: context.refreshTokenAt,
            }),
            onDone: {
              target: 'routing',
              actions: [
                assign({
                  session: ({ event }) => event.output.session,
                  user: ({ event }) => event.output.session.user,
                  refreshTokenAt: ({ event }) => event.output.refreshTokenAt,
                  error: ({ event }) => event.output.storageError,
                }),
                'syncSinks',
                enqueueActions(({ context, enqueue }) => {
                  if (context.error) enqueue('reportError')
                  const { settled, remaining } = settleOnSuccess(
                    context.waiters,
                    context.gen,
                    (context.session as Session).claims,
                  )
                  emitSettlements(enqueue, settled, context.session)
                  enqueue.assign({ waiters: remaining })
                }),
              ],
            },
            onError: [
              {
                guard: ({ event }) => asAuthError(event.error).kind === 'rejected',
                target: '#auth.expired',
                actions: [
                  assign({
                    error: ({ event }) => new SessionExpiredError('refresh_rejected', { cause: event.error }),
                  }),
                  emit(({ context }) => ({
                    type: 'refreshRejected' as const,
                    error: context.error as AuthError,
                    tokenAge: context.refreshTokenAt === null ? null : now(context) - context.refreshTokenAt,
                  })),
                  enqueueActions(({ context, enqueue }) => {
                    emitSettlements(enqueue, settleAll(context.waiters, context.error as AuthError).settled, null)
                    enqueue.assign({ waiters: [] })
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
              actions: [
                assign({ error: () => new RequestTimeoutError('the refresh request timed out') }),
                'failTransient',
              ],
            },
          },
          on: { 'session.refresh': { actions: 'addWaiterToCurrentRequest' } },
        },
        routing: {
          always: [
            { guard: ({ context }) => context.waiters.some((w) => w.minGen > context.gen), target: 'requesting' },
            { guard: ({ context }) => context.waiters.length > 0, target: 'awaitingClaims' },
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
              guard: ({ context }) => context.waiters.length === 0 && !due(context),
              target: '#auth.authenticated',
            },
            { target: 'backingOff' },
          ],
        },
        backingOff: {
          after: { retryDelay: 'requesting' },
          on: {
            'session.refresh': { target: 'requesting', actions: 'addWaiterForNextRequest' },
            'session.refreshTimeout': [
              {
                guard: ({ context, event }) => !due(context) && context.waiters.every((w) => w.id === event.id),
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
            'session.refresh': { actions: 'addWaiterForNextRequest' },
            'session.refreshTimeout': [
              {
                guard: ({ context, event }) => context.waiters.every((w) => w.id === event.id),
                target: '#auth.authenticated',
                actions: 'timeOutWaiter',
              },
              { actions: 'timeOutWaiter' },
            ],
          },
        },
      },
    },
    expired: {
      entry: ['dropSession', 'syncSinks', 'clearStoredSession', 'reportError'],
      on: {
        'tab.sessionChanged': { target: 'authenticated', actions: 'adoptTabSession' },
      },
    },
    unauthenticated: {
      on: {
        'tab.sessionChanged': { target: 'authenticated', actions: 'adoptTabSession' },
      },
    },
    signingIn: {
      invoke: {
        src: 'signInWithCredentials',
        input: ({ event }) => ({ credentials: event.type === 'auth.signIn' ? event.credentials : undefined }),
        onDone: {
          target: 'authenticated',
          actions: [
            assign({
              session: ({ event }) => event.output.session,
              user: ({ event }) => event.output.session.user,
              refreshTokenAt: ({ event }) => event.output.refreshTokenAt,
              error: ({ event }) => event.output.storageError,
            }),
            'syncSinks',
            enqueueActions(({ context, enqueue }) => {
              if (context.error) enqueue('reportError')
              if (context.signInId !== null) enqueue.emit({ type: 'signIn.settled', id: context.signInId, error: null })
              enqueue.assign({ signInId: null })
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
    signingOut: {
      invoke: {
        src: 'signOutSession',
        input: ({ context }) => ({ session: context.endedSession }),
        onDone: { target: 'unauthenticated', actions: assign({ endedSession: null }) },
        onError: {
          target: 'unauthenticated',
          actions: [assign({ endedSession: null, error: ({ event }) => asAuthError(event.error) }), 'reportError'],
        },
      },
      after: {
        requestTimeout: {
          target: 'unauthenticated',
          actions: [
            assign({ endedSession: null, error: () => new RequestTimeoutError('signing out timed out') }),
            'reportError',
          ],
        },
      },
      on: {
        'auth.signOut': {},
        'tab.signedOut': {},
      },
    },
  },
})
