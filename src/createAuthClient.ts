import { type Actor, createActor } from 'xstate'
import type { AuthEmitted } from '../machines/AuthContext.js'
import { authMachine } from '../machines/authMachine.js'
import { isDue } from '../machines/sessionTiming.js'
import type { AdapterSessionEvent } from './AuthAdapter.js'
import type { AuthClientOptions } from './AuthClientOptions.js'
import { consoleLogger } from './AuthLogger.js'
import type { AuthClient } from './AuthClient.js'
import type { SessionInfo } from './AuthSnapshot.js'
import { defaultClock } from './Clock.js'
import { toAdapterError } from './classifyError.js'
import { createAuthEffects } from './createAuthEffects.js'
import { createAuthFetch } from './createAuthFetch.js'
import { registerChartActor } from './chartActorOf.js'
import { createChangeSignal } from './createChangeSignal.js'
import { createInspectListener } from './createInspectListener.js'
import { createRedactor } from './redactForInspection.js'
import { createSnapshotView } from './createSnapshotView.js'
import { createSessionStore } from './createSessionStore.js'
import { createTabSync, type TabSync } from './createTabSync.js'
import { createTokenSinks } from './createTokenSinks.js'
import { decideToken } from './decideToken.js'
import {
  AuthError,
  ClaimsTimeoutError,
  InvalidOptionsError,
  NotAuthenticatedError,
  RequestTimeoutError,
  SessionExpiredError,
} from './errors.js'
import { parseClientOptions, parseRefreshOptions } from './parseClientOptions.js'
import { checkFreshSession, parseSession } from './parseSession.js'
import { resolveStorage } from './resolveStorage.js'
import { resolveTabs } from './resolveTabs.js'
import { toSessionInfo } from './toSessionInfo.js'

interface Pending<T> {
  resolve(value: T): void
  reject(error: unknown): void
  timer?: unknown
}

const SETTLED_STATES: ReadonlySet<string> = new Set(['authenticated', 'refreshing', 'expired', 'unauthenticated'])

/**
 * Creates the client that owns the session: one statechart, the only place any code gets a token
 * from. Call `start()` to restore the stored session.
 *
 * @example
 * const auth = createAuthClient({ adapter: createRestAdapter({ baseUrl: '/api' }) }).start()
 * auth.addTokenSink((token) => realtime.setAuth(token))
 * const res = await auth.fetch('/api/orders')
 */
export function createAuthClient<Credentials = unknown>(
  options: AuthClientOptions<Credentials>,
): AuthClient<Credentials> {
  const config = parseClientOptions(options)
  const clock = options.clock ?? defaultClock
  const logger = options.logger ?? consoleLogger
  const storage = resolveStorage(options.storage, logger)
  const store = createSessionStore(storage, config.storageKey)
  const report = (error: AuthError) => {
    if (actor.getSnapshot().status === 'active') actor.send({ type: 'effect.failed', error })
    else logger.error(`${error.code}: ${error.message}`)
  }
  const sinks = createTokenSinks(report)
  const tabs = resolveTabs(options.tabs ?? true, config.storageKey, storage)
  const tabId = globalThis.crypto?.randomUUID?.() ?? `${clock.now()}-${Math.random()}`
  // The channel listens only while the client runs; before start() and after stop() this tab
  // neither hears nor speaks.
  let tabSync: TabSync | null = null
  const effects = createAuthEffects({
    adapter: options.adapter as never,
    store,
    clock,
    sinks,
    report,
    locks: tabs.locks,
    lockName: `authchart:refresh:${config.storageKey}`,
    rotation: tabs.rotation,
    tabSync: {
      announceSession: (session, refreshTokenAt) => tabSync?.announceSession(session, refreshTokenAt),
      announceSignOut: () => tabSync?.announceSignOut(),
      close: () => tabSync?.close(),
    },
  })
  const redactor = createRedactor()
  const actor: Actor<typeof authMachine> = createActor(authMachine.provide(effects), {
    clock,
    input: {
      refreshMargin: config.refreshMargin,
      refreshesWithoutToken: options.adapter.refreshesWithoutToken === true,
      refreshTokenLifetime: options.adapter.refreshTokenLifetime ?? Number.POSITIVE_INFINITY,
      retry: config.retry,
      env: { now: () => clock.now(), random: options.random ?? Math.random },
    },
    inspect: createInspectListener(options.inspect, config.redactInspection, redactor),
  })

  const refreshCalls = new Map<number, Pending<SessionInfo>>()
  const signInCalls = new Map<number, Pending<SessionInfo>>()
  let nextId = 0

  const nextChange = createChangeSignal(actor)

  actor.on('refresh.settled', (event: Extract<AuthEmitted, { type: 'refresh.settled' }>) => {
    const call = refreshCalls.get(event.id)
    if (!call) return
    refreshCalls.delete(event.id)
    clock.clearTimeout(call.timer)
    if (event.error) call.reject(event.error)
    else if (event.session) call.resolve(toSessionInfo(event.session))
    else call.reject(new NotAuthenticatedError())
  })
  actor.on('signIn.settled', (event: Extract<AuthEmitted, { type: 'signIn.settled' }>) => {
    const call = signInCalls.get(event.id)
    if (!call) return
    signInCalls.delete(event.id)
    const session = actor.getSnapshot().context.session
    if (event.error) call.reject(event.error)
    else if (session) call.resolve(toSessionInfo(session))
    else call.reject(new NotAuthenticatedError())
  })

  const getSnapshot = createSnapshotView(() => actor.getSnapshot())

  const waitForSettledState = async () => {
    while (actor.getSnapshot().status === 'active' && !SETTLED_STATES.has(getSnapshot().status)) {
      await nextChange()
    }
  }

  const slowGetToken = async (): Promise<string> => {
    for (;;) {
      const decision = decideToken(actor.getSnapshot(), clock.now())
      if (decision.kind === 'token') return decision.token
      if (decision.kind === 'error') throw decision.error
      if (decision.kind === 'check') actor.send({ type: 'session.check' })
      else await nextChange()
    }
  }

  let stopAdapterEvents: (() => void) | undefined
  const onAdapterEvent = (event: AdapterSessionEvent) => {
    if (event.type === 'error') {
      report(toAdapterError('refresh', event.error, options.adapter.classify?.bind(options.adapter)))
      return
    }
    if (event.type === 'signedOut') {
      actor.send({ type: 'tab.signedOut', origin: 'adapter' })
      return
    }
    try {
      const session = checkFreshSession(
        parseSession(event.session, 'session from adapter.subscribe'),
        clock.now(),
        'session from adapter.subscribe',
      )
      actor.send({ type: 'tab.sessionChanged', session, refreshTokenAt: clock.now(), origin: 'adapter' })
    } catch (error) {
      report(error instanceof AuthError ? error : new AuthError('bad adapter event', { cause: error }))
    }
  }

  const client: AuthClient<Credentials> = {
    actor: redactor.ref(actor),
    start() {
      actor.start()
      stopAdapterEvents ??= options.adapter.subscribe?.(onAdapterEvent, { now: () => clock.now() })
      tabSync ??= createTabSync(tabs, config.storageKey, tabId, {
        onSession: (session, refreshTokenAt) => {
          try {
            checkFreshSession(session, clock.now(), 'session from another tab')
          } catch (error) {
            report(error as AuthError)
            return
          }
          actor.send({ type: 'tab.sessionChanged', session, refreshTokenAt, origin: 'tab' })
        },
        onSignedOut: () => actor.send({ type: 'tab.signedOut', origin: 'tab' }),
        report,
      })
      return client
    },
    stop() {
      stopAdapterEvents?.()
      stopAdapterEvents = undefined
      tabSync?.close()
      tabSync = null
      actor.stop()
      const stopped = new NotAuthenticatedError('the auth client was stopped')
      for (const call of [...refreshCalls.values(), ...signInCalls.values()]) {
        clock.clearTimeout(call.timer)
        call.reject(stopped)
      }
      refreshCalls.clear()
      signInCalls.clear()
      // Waiting getToken() calls wake through the change signal: a stopped actor completes.
    },
    getSnapshot,
    subscribe(listener) {
      let last = getSnapshot()
      const subscription = actor.subscribe(() => {
        const next = getSnapshot()
        if (next === last) return
        last = next
        listener(next)
      })
      return () => subscription.unsubscribe()
    },
    // The hot path: a held, fresh token is served from memory with one clock read. Everything
    // else (waiting, refreshing, failing) is the slow path.
    async getToken() {
      const { value, context } = actor.getSnapshot()
      const session = context.session
      if (value === 'authenticated' && session !== null && !isDue(session, clock.now(), config.refreshMargin)) {
        return session.accessToken
      }
      return slowGetToken()
    },
    signIn(credentials) {
      const id = ++nextId
      return new Promise<SessionInfo>((resolve, reject) => {
        signInCalls.set(id, { resolve, reject })
        actor.send({ type: 'auth.signIn', id, credentials })
      })
    },
    async signOut() {
      actor.send({ type: 'auth.signOut' })
      while (actor.getSnapshot().status === 'active' && getSnapshot().status === 'signingOut') {
        await nextChange()
      }
    },
    async refresh(refreshOptions) {
      const { force, until, timeoutMs, description } = parseRefreshOptions(refreshOptions)
      await waitForSettledState()
      const { status } = getSnapshot()
      if (status === 'expired') {
        const error = actor.getSnapshot().context.error
        throw error instanceof SessionExpiredError ? error : new SessionExpiredError('token_expired')
      }
      if (status !== 'authenticated' && status !== 'refreshing') throw new NotAuthenticatedError()
      const id = ++nextId
      return new Promise<SessionInfo>((resolve, reject) => {
        const timeoutError =
          until === undefined
            ? new RequestTimeoutError(`refresh did not finish within ${timeoutMs} ms`)
            : new ClaimsTimeoutError(timeoutMs, description)
        const timer = clock.setTimeout(
          () => actor.send({ type: 'session.refreshTimeout', id, error: timeoutError }),
          timeoutMs,
        )
        refreshCalls.set(id, { resolve, reject, timer })
        actor.send({ type: 'session.refresh', id, force, until })
        const accepted = actor.getSnapshot().context.waiters.some((w) => w.id === id)
        if (refreshCalls.has(id) && !accepted) {
          refreshCalls.delete(id)
          clock.clearTimeout(timer)
          reject(new InvalidOptionsError(`refresh() cannot run in state ${getSnapshot().status}`))
        }
      })
    },
    addTokenSink: (sink) => sinks.add(sink),
    fetch: createAuthFetch({
      getToken: () => client.getToken(),
      refresh: (o) => client.refresh(o),
      fetch: () => options.fetch ?? globalThis.fetch,
      now: () => clock.now(),
      warn: (message) => logger.warn(message),
      origins: config.authFetch.origins,
      refreshCooldown: config.authFetch.refreshCooldown,
    }),
    on(type, listener) {
      // The chart also emits internal events that carry the session (tokens included) to this
      // facade; only the public ones may reach a listener.
      if (type !== 'error' && type !== 'refreshRejected') {
        throw new InvalidOptionsError(`auth.on: unknown event "${String(type)}"; use 'error' or 'refreshRejected'`)
      }
      const subscription = actor.on(type, listener as never)
      return () => subscription.unsubscribe()
    },
    notify(signal) {
      if (actor.getSnapshot().status !== 'active') return
      if (signal === 'offline') actor.send({ type: 'network.offline' })
      else if (signal === 'online') actor.send({ type: 'network.online' })
      // Back online, visible or awake: a refresh may have come due while nothing ran.
      if (signal !== 'offline') actor.send({ type: 'session.check' })
    },
  }
  registerChartActor(client, actor)
  return client
}
