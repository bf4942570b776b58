import type { AuthClientOptions } from './AuthClientOptions.js'
import { consoleLogger } from './AuthLogger.js'
import type { AuthClient } from './AuthClient.js'
import type { AuthStatus } from './AuthSnapshot.js'
import { createAuthEffects, effectFailed } from './createAuthEffects.js'
import { createAuthFetch } from './createAuthFetch.js'
import { registerChartActor } from './chartActorOf.js'
import { createChangeSignal } from './createChangeSignal.js'
import { createChartActor } from './createChartActor.js'
import { createInspectListener } from './createInspectListener.js'
import { createPendingCalls } from './createPendingCalls.js'
import { createRedactor, type Redactor } from './redactForInspection.js'
import { createSnapshotView, subscribeToView } from './createSnapshotView.js'
import { createSessionStore } from './createSessionStore.js'
import { createTokenSinks } from './createTokenSinks.js'
import { createGetToken } from './decideToken.js'
import { type AuthError, NotAuthenticatedError } from './errors.js'
import { onPublicEvent } from './onPublicEvent.js'
import { parseClientOptions, parseRefreshOptions } from './parseClientOptions.js'
import { resolveStorage } from './resolveStorage.js'
import { resolveTabs } from './resolveTabs.js'

// A `refresh()` waits out the states on their way somewhere (restoring, signing in or out).
const SETTLED: ReadonlySet<AuthStatus> = new Set(['authenticated', 'refreshing', 'expired', 'unauthenticated'])

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
  const { clock } = config
  const logger = options.logger ?? consoleLogger
  const storage = resolveStorage(options.storage, logger)
  const running = () => actor.getSnapshot().status === 'active'
  const report = (error: AuthError) => {
    if (running()) actor.send(effectFailed(error))
    else logger.error(`${error.code}: ${error.message}`)
  }
  const sinks = createTokenSinks(report)
  const effects = createAuthEffects({
    adapter: options.adapter as never,
    store: createSessionStore(storage, config.storageKey),
    clock,
    sinks,
    report,
    send: (event) => actor.send(event),
    tabs: resolveTabs(options.tabs ?? true, config.storageKey, storage),
    storageKey: config.storageKey,
  })
  // Made on first use (an inspector, a read of `auth.actor`): most clients never need one.
  let redactor: Redactor | undefined
  const redaction = () => (redactor ??= createRedactor())
  const actor = createChartActor(effects, {
    clock,
    input: config.chartInput,
    inspect: options.inspect && createInspectListener(options.inspect, config.redactInspection, redaction()),
  })
  const calls = createPendingCalls(actor)
  const nextChange = createChangeSignal(actor)
  const getSnapshot = createSnapshotView(() => actor.getSnapshot())
  const waitWhile = async (busy: (status: AuthStatus) => boolean) => {
    while (running() && busy(getSnapshot().status)) await nextChange()
  }

  let authFetch: AuthClient['fetch'] | undefined
  const client: AuthClient<Credentials> = {
    get actor() {
      return redaction().ref(actor)
    },
    start() {
      actor.start()
      return client
    },
    stop() {
      // The chart stops its tab channel and adapter subscription with it.
      actor.stop()
      calls.rejectAll(new NotAuthenticatedError('the auth client was stopped'))
      // Waiting getToken() calls wake through the change signal: a stopped actor completes.
    },
    getSnapshot,
    subscribe: (listener) => subscribeToView(actor, getSnapshot, listener),
    getToken: createGetToken(actor, clock, nextChange),
    signIn: (credentials) => calls.add((id) => actor.send({ type: 'auth.signIn', id, credentials })),
    async signOut() {
      actor.send({ type: 'auth.signOut' })
      await waitWhile((status) => status === 'signingOut')
    },
    async refresh(refreshOptions) {
      const { force, until, timeoutMs, description } = parseRefreshOptions(refreshOptions)
      await waitWhile((status) => !SETTLED.has(status))
      if (!running()) throw new NotAuthenticatedError('the auth client is stopped')
      // The chart answers the call: refreshed, refused (signed out, expired) or timed out.
      return calls.add((id) => actor.send({ type: 'session.refresh', id, force, until, timeoutMs, description }))
    },
    addTokenSink: (sink) => sinks.add(sink),
    // Made on first use, as most clients (a server's per request) never call it.
    get fetch() {
      return (authFetch ??= createAuthFetch({ client, fetch: options.fetch, clock, logger, ...config.authFetch }))
    },
    on: (type, listener) => onPublicEvent(actor, type, listener),
    notify(signal) {
      if (!running()) return
      if (signal === 'offline') actor.send({ type: 'network.offline' })
      else if (signal === 'online') actor.send({ type: 'network.online' })
      // Back online, visible or awake: a refresh may have come due while nothing ran.
      if (signal !== 'offline') actor.send({ type: 'session.check' })
    },
  }
  registerChartActor(client, actor)
  return client
}
