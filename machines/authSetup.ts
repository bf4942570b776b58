import { assign, emit, enqueueActions, fromPromise, setup, stateIn } from 'xstate'
import {
  AdapterError,
  AuthError,
  ClaimsTimeoutError,
  InvalidOptionsError,
  NotAuthenticatedError,
  type RejectionReason,
  RequestTimeoutError,
  SessionExpiredError,
} from '../src/errors.js'
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
import { needsForce, type Settlement, settleAll, settleOnTransient, waitersOf } from './refreshWaiters.js'
import { backoffDelay, canRefresh, checkDelay, claimsDelay, isDue } from './sessionTiming.js'

// fail loudly so a chart started without its effects cannot pass for a working one.
function notProvided<Output, Input = unknown>(name: string) {
  return fromPromise<Output, Input>(async () => {
    throw new Error(`authchart: the ${name} actor was not provided`)
  })
}

export function asAuthError(value: unknown): AuthError {
  return value instanceof AuthError ? value : new AuthError('unexpected failure', { cause: value })
}

export const now = (context: AuthContext) => context.config.env.now()

/**
 * The error a refused session ends with: the adapter's reason code when it gave one, the token's
 * age, and whether the refusal looks like a lost server store (an unknown refresh token younger
 * than the backend says they live).
 */
export function expiredBy(context: AuthContext, failure: unknown, fallback: RejectionReason): SessionExpiredError {
  const cause = asAuthError(failure)
  const reason = cause instanceof AdapterError && cause.reason !== undefined ? cause.reason : fallback
  const tokenAge = context.refreshTokenAt === null ? null : now(context) - context.refreshTokenAt
  const suspectedStoreLoss =
    reason === 'refresh_token_unknown' && tokenAge !== null && tokenAge < context.config.refreshTokenLifetime
  return new SessionExpiredError(reason, { cause: failure, tokenAge, suspectedStoreLoss })
}
/**
 * The session held by a state that only runs with one (validating, refreshing). Narrows the
 * context's nullable session with a check instead of a cast: reaching such a state without one
 * is a bug in the chart, and says so.
 */
export function heldSession(context: AuthContext): Session {
  if (context.session === null) throw new Error('authchart: this state runs only with a session held')
  return context.session
}

export const due = (context: AuthContext) =>
  context.session !== null && isDue(context.session, now(context), context.config.refreshMargin)

/** The id of the delayed `session.refreshTimeout` that bounds the `refresh()` call `id`. */
export const refreshTimerId = (id: number) => `refresh.${id}`

type Enqueue = { emit: (event: AuthEmitted) => void; cancel: (id: string) => void }
/**
 * Answers each settled call with its kind's `*.settled` event. A `refresh()` call's timer goes with
 * it; a sign-in call has none, and no refresh call (nor its timer) is pending beside it.
 */
export function emitSettlements(enqueue: Enqueue, settled: Settlement[], session: Session | null) {
  for (const { kind, id, error } of settled) {
    enqueue.cancel(refreshTimerId(id))
    enqueue.emit({ type: kind === 'refresh' ? 'refresh.settled' : 'signIn.settled', id, error, session })
  }
}

type AdoptEnqueue = {
  (action: 'syncSinks' | 'announceSession' | 'reportError'): void
  assign(values: Pick<AuthContext, 'session' | 'user' | 'refreshTokenAt' | 'error' | 'retryAt'>): void
}
/**
 * Every session this tab obtains (sign-in, refresh) is taken the same way: held, pushed to the
 * sinks inside the transition (I4), told to the other tabs, and a failed store write reported.
 * A helper for the sign-in and refresh actors' done transitions rather than a named action: a
 * named action sees only the chart's own events, and only there is the done event's `output` typed.
 */
export function adoptSessionOutput(enqueue: AdoptEnqueue, output: SessionOutput) {
  enqueue.assign({
    session: output.session,
    user: output.session.user,
    refreshTokenAt: output.refreshTokenAt,
    error: output.storageError,
    retryAt: 0,
  })
  enqueue('syncSinks')
  enqueue('announceSession')
  if (output.storageError) enqueue('reportError')
}

// The platform's lifecycles (tab sync, the adapter's own session events) run in an actor the
// chart invokes for as long as it runs: it settles only when stopped. A chart started without it
// simply hears nothing.
function notListening() {
  return fromPromise<never>(() => new Promise<never>(() => undefined))
}

/**

/**
 * The chart's vocabulary: its types, the effects it declares (provided by the client), and its
 * guards, delays and shared actions. `authMachine` and its compound states are built on it.
 *
 * @example
 * const state = authSetup.createStateConfig({ on: { 'session.check': { guard: 'isRefreshDue' } } })
 */
export const authSetup = setup({
  // Stryker disable next-line ObjectLiteral: equivalent, `types` is read by TypeScript only; XState ignores its value at run time
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
    /**
     * Session changes from outside the chart, for as long as it runs: the other tabs' (the tab
     * channel, through which `announceSession` / `announceSignOut` speak) and the backend SDK's
     * (the adapter's `subscribe`). Provided by the client.
     */
    watchSessionChanges: notListening(),
  },
  actions: {
    /** Pushes `context.session?.accessToken ?? null` to every token sink. Provided by the client. */
    syncSinks: () => undefined,
    /** Removes the stored session. Provided by the client. */
    clearStoredSession: () => undefined,
    /** Stores `context.session`. Provided by the client. */
    storeSession: () => undefined,
    /** Tells the other tabs about a session this tab obtained. Provided by the client. */
    announceSession: () => undefined,
    /** Tells the other tabs this tab signed out. Provided by the client. */
    announceSignOut: () => undefined,
    // A `refresh()` call is bounded by its own timeout, kept by the chart on its clock; settling
    // the call cancels it (`emitSettlements`).
    startRefreshTimer: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'session.refresh') return
      const { id, until, timeoutMs, description } = event
      const error =
        until === undefined
          ? new RequestTimeoutError(`refresh did not finish within ${timeoutMs} ms`)
          : new ClaimsTimeoutError(timeoutMs, description)
      enqueue.raise({ type: 'session.refreshTimeout', id, error }, { delay: timeoutMs, id: refreshTimerId(id) })
    }),
    reportError: emit(({ context }) => ({
      type: 'error' as const,
      // Stryker disable next-line StringLiteral: equivalent, unreachable: every transition that reports sets `context.error` first
      error: context.error ?? new AuthError('unknown failure'),
    })),
    // A corrupt or unreadable store does not stop the restore, but it is still a failure: I3.
    reportRestoreError: enqueueActions(({ context, enqueue }) => {
      if (context.error) enqueue('reportError')
    }),
    // A new sign-in, a sign-out or another tab's sign-out answers every pending call: refresh
    // calls waited on a session that is gone, a sign-in was overtaken by the newer call.
    cancelCalls: enqueueActions(({ context, enqueue }) => {
      // Errors (and their stacks) only when someone waits: most sign-ins and sign-outs have no call.
      if (context.calls.length === 0) return
      const ended = new NotAuthenticatedError('the session ended')
      const overtaken = new NotAuthenticatedError('sign-in was cancelled by a newer call')
      const settled = context.calls.map(({ kind, id }) => ({ kind, id, error: kind === 'signIn' ? overtaken : ended }))
      emitSettlements(enqueue, settled, null)
      enqueue.assign({ calls: [] })
    }),
    endSession: assign({ session: null, user: null, refreshTokenAt: null, attempt: 0, retryAt: 0 }),
    // `expired` keeps the user so the UI can say who has to sign in again.
    dropSession: assign({ session: null, refreshTokenAt: null, attempt: 0, retryAt: 0 }),
    adoptTabSession: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'tab.sessionChanged') return
      enqueue.assign({
        session: event.session,
        user: event.session.user,
        refreshTokenAt: event.refreshTokenAt,
        error: null,
        retryAt: 0,
      })
      enqueue('syncSinks')
      if (event.origin === 'adapter') enqueue('storeSession')
    }),
    // No request is in flight where this runs (authenticated, backingOff, awaitingClaims): the
    // call joins the next one, as `requesting` starts it.
    addWaiterForNextRequest: assign({
      calls: ({ context, event }) =>
        event.type === 'session.refresh'
          ? [...context.calls, { kind: 'refresh', id: event.id, force: event.force, until: event.until, joined: false }]
          : context.calls,
    }),
    // A call joins the request in flight unless it needs a cache bypass that request lacks; then
    // it is answered by the next, forced, request instead.
    addWaiterToCurrentRequest: assign({
      calls: ({ context, event }) => {
        if (event.type !== 'session.refresh') return context.calls
        const joined = context.forcedRequest || !needsForce(event)
        return [...context.calls, { kind: 'refresh', id: event.id, force: event.force, until: event.until, joined }]
      },
    }),
    timeOutWaiter: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'session.refreshTimeout') return
      if (!context.calls.some((w) => w.id === event.id)) return
      enqueue.emit({ type: 'refresh.settled', id: event.id, error: event.error, session: context.session })
      enqueue.assign({ calls: context.calls.filter((w) => w.id !== event.id) })
    }),
    // A transient failure sets when the next request may go out: every path that could start
    // one (the timer, a wake, `online`, another `refresh()`) waits for it.
    failTransient: enqueueActions(({ context, enqueue }) => {
      // Stryker disable next-line StringLiteral: equivalent, unreachable: every transition into failTransient sets `context.error` first
      const error = context.error ?? new AuthError('refresh failed')
      const { settled, remaining } = settleOnTransient(waitersOf(context), error)
      emitSettlements(enqueue, settled, context.session)
      const attempt = context.attempt + 1
      const retryAfterMs = error instanceof AdapterError ? error.retryAfterMs : undefined
      const delay = backoffDelay(context.config.retry, attempt, context.config.env.random(), retryAfterMs)
      enqueue.assign({ calls: remaining, attempt, retryAt: now(context) + delay })
      enqueue('reportError')
    }),
    refuseRefreshWithoutToken: enqueueActions(({ context, enqueue }) => {
      const error = new InvalidOptionsError(
        'refresh() cannot renew this session: it has no refresh token and the adapter does not refresh without one ' +
          '(refreshesWithoutToken); the session stays until it comes due',
      )
      emitSettlements(enqueue, settleAll(context.calls, error), context.session)
      enqueue.assign({ calls: [] })
    }),
    // A refresh() where there is no session to refresh: the chart says why, so the client never
    // matches states to pick an error. `expired` holds the SessionExpiredError it was entered with.
    refuseRefresh: emit(({ context, event }) => ({
      type: 'refresh.settled' as const,
      // Stryker disable next-line ConditionalExpression: equivalent, a `session.refresh` is the only event this action runs on
      id: event.type === 'session.refresh' ? event.id : 0,
      error: context.error instanceof SessionExpiredError ? context.error : new NotAuthenticatedError(),
      session: null,
    })),
    // Only a refresh token (or an adapter that refreshes without one) can renew a session.
    expireWithoutRefreshToken: enqueueActions(({ context, enqueue }) => {
      // Stryker disable next-line ObjectLiteral: equivalent, SessionExpiredError's tokenAge defaults to null
      const error = new SessionExpiredError('no_refresh_token', { tokenAge: null })
      emitSettlements(enqueue, settleAll(context.calls, error), null)
      enqueue.assign({ calls: [], error })
    }),
    failSignIn: enqueueActions(({ context, event, enqueue }) => {
      const error = asAuthError('error' in event ? event.error : undefined)
      enqueue.assign({ error, calls: [] })
      enqueue.emit({ type: 'error', error })
      // The sign-in call is the only one pending while `signingIn` runs.
      emitSettlements(enqueue, settleAll(context.calls, error), context.session)
    }),
  },
  guards: {
    isRefreshDue: ({ context }) => due(context),
    isBackingOff: ({ context }) => now(context) < context.retryAt,
    canRefreshSession: ({ context }) => canRefresh(context, context.session),
    hasSession: ({ context }) => context.session !== null,
    isOffline: stateIn('#auth.network.offline'),
  },
  delays: {
    refreshCheckDelay: ({ context }) => checkDelay(context.session, now(context), context.config.refreshMargin),
    retryDelay: ({ context }) => Math.max(0, context.retryAt - now(context)),
    offlineRetryDelay: ({ context }) => Math.max(0, context.retryAt - now(context), context.config.retry.maxDelay),
    claimsRetryDelay: ({ context }) => claimsDelay(context.config.retry, context.claimsAttempt),
    requestTimeout: ({ context }) => context.config.retry.requestTimeout,
  },
})
