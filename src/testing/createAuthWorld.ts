import type { AuthAdapter } from '../AuthAdapter.js'
import type { AuthClientOptions } from '../AuthClientOptions.js'
import type { AuthSnapshot } from '../AuthSnapshot.js'
import type { AuthClient } from '../AuthClient.js'
import { createCallGate } from './createCallGate.js'
import { createAuthClient } from '../createAuthClient.js'
import type { AuthError, Classification } from '../errors.js'
import { decodeClaims } from '../parseSession.js'
import type { Claims, Session } from '../Session.js'
import type { TabsOption } from '../TabTransport.js'
import type { AuthBackend, AuthBackendOption } from './AuthBackend.js'
import type { FakeAdapterOptions, FakeCredentials } from './createFakeAdapter.js'
import { createFakeBackend } from './createFakeBackend.js'
import { createFakeClock, type FakeClock } from './createFakeClock.js'
import { createFakeTabs, type FakeTabs } from './createFakeTabs.js'

export const HOUR = 3_600_000
export const STEP = 1_000

/** How `runAuthScenario` builds the world; every field is optional. */
export interface AuthScenarioOptions<Credentials = FakeCredentials> {
  /**
   * Your backend: an adapter, the credentials to sign in with, and a control for the server's
   * moves (or a function that builds them from the scenario's clock). Default: the fake backend.
   */
  backend?: AuthBackendOption<Credentials>
  /** Your client options (margin, retry, inspect, ...). Adapter, clock, storage and tabs are the scenario's. */
  client?: Partial<Omit<AuthClientOptions<Credentials>, 'adapter' | 'clock' | 'storage' | 'tabs'>>
  /** The default fake backend's options. Default: one-hour tokens with rotation. */
  adapter?: Omit<FakeAdapterOptions, 'clock'>
  /** Your sinks and listeners, attached to each tab before it starts (as your app does at boot). */
  setup?: (client: AuthClient<Credentials>, tab: 'A' | 'B') => void
  /** Builds a tab's client: your wrapper around `createAuthClient`. Default `createAuthClient`. */
  createClient?: (options: AuthClientOptions<Credentials>) => AuthClient<Credentials>
  /** The tabs transport a tab's client gets. Default: the profile's channel and lock. */
  tabs?: (profile: FakeTabs, tab: 'A' | 'B') => TabsOption
  /**
   * With a backend on its own time: how long (real ms) a request may take before the scenario
   * lets fake time move on without its answer (a dropped request then meets the client's
   * request timeout). Default 2 000.
   */
  requestWait?: number
  /** Seeds the scenario's choices (which failure `server.failsNext` scripts). Default 1. */
  seed?: number
}

/** A small seeded generator (mulberry32): the same seed gives the same choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * A scenario failed: a step broke an invariant or a check, or threw. The message names the step,
 * the whole path and the seed; a failed run of {@link runAuthScenarios} also carries the seed and
 * the shrunk steps that replay it (`replayAuthScenario({ ...options, seed, steps })`).
 */
export class ScenarioFailure extends Error {
  override readonly name = 'ScenarioFailure'
  /** The seed of the run (set by `runAuthScenarios`). */
  seed: number | undefined
  /** The shortest list of steps found that fails the same way (set by `runAuthScenarios`). */
  steps: string[] | undefined
  /** The 0-based place of the failing step in its path. */
  stepIndex: number | undefined

  constructor(message: string, options: { cause?: unknown; seed?: number; steps?: string[]; stepIndex?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.seed = options.seed
    this.steps = options.steps
    this.stepIndex = options.stepIndex
  }
}

export const credentials: FakeCredentials = { email: 'ada@example.com', password: 'pw' }

export interface Tab {
  name: 'A' | 'B'
  client: AuthClient<unknown>
  sink: string | null | undefined
  errorsSeen: Set<AuthError>
  errorsEmitted: Set<AuthError>
  lastExpiresAt: number | null
}

/** The calls the scenario's gate can hold. */
export type GatedOperation = 'signIn' | 'refresh' | 'validate' | 'signOut'

/** How a held call goes on: as the backend answers it (`undefined`), or failing as scripted. */
export type GateOutcome = 'transient' | 'rejected' | undefined

/** A failure the scenario scripts in front of your adapter (its gate, the network it takes down). */
export class ScriptedFailure extends Error {
  override readonly name = 'ScriptedFailure'
  constructor(
    readonly kind: 'rejected' | 'transient',
    message: string,
  ) {
    super(message)
  }
}

/**
 * The world a scenario runs in: one browser profile (shared storage, channel and lock) with
 * tabs A and B, a fake clock, and your backend (default the fake one) behind a gate, so "a
 * refresh starts" and "it resolves" are separate steps. Monitors record every invariant
 * violation as it happens.
 *
 * @example
 * const world = createAuthWorld()
 * await world.start()
 * await world.tabs.A.client.signIn({ email: 'ada@example.com', password: 'pw' })
 * expect(world.violations).toEqual([])
 */
export function createAuthWorld<Credentials = FakeCredentials>(options: AuthScenarioOptions<Credentials> = {}) {
  // Real requests to a server on its own time: fake time waits for them (up to `requestWait`).
  // A call sent while your control has the network down is real I/O on any backend: waited for too.
  const inFlightIo = new Map<Promise<unknown>, { at: number; offline: boolean }>()
  const requestWait = options.requestWait ?? 2_000
  let realTime = false
  const awaited = () => [...inFlightIo].filter(([, io]) => realTime || io.offline)
  const idle = async () => {
    for (let waiting = awaited(); waiting.length > 0; waiting = awaited()) {
      const oldest = Math.min(...waiting.map(([, io]) => io.at))
      const left = oldest + requestWait - Date.now()
      if (left <= 0) return
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        Promise.race(waiting.map(([io]) => io)).catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, left)
        }),
      ])
      clearTimeout(timer)
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const clock: FakeClock = createFakeClock(undefined, { idle })
  const backendOption =
    options.backend ??
    ((({ clock: c }: { clock: FakeClock }) =>
      createFakeBackend({
        clock: c,
        accessTokenTtl: HOUR,
        claimsLag: 1,
        ...options.adapter,
      })) as unknown as AuthBackendOption<Credentials>)
  const backend: AuthBackend<Credentials> =
    typeof backendOption === 'function' ? backendOption({ clock }) : backendOption
  if (backend.time !== 'scenario') {
    // The server keeps real time: the scenario clock starts at it, so `iat`/`exp` agree.
    realTime = true
    clock.jump(Date.now() - clock.now())
  }
  const inner = backend.adapter
  const control = backend.control ?? {}
  const profile = createFakeTabs()
  const storageKey = options.client?.storageKey ?? 'authchart.session'
  const margin = options.client?.refreshMargin ?? 30 * 60_000
  const requestTimeout = options.client?.retry?.requestTimeout ?? 15_000
  const maxDelay = options.client?.retry?.maxDelay ?? 30_000
  const violations: string[] = []
  const violate = (message: string) => {
    violations.push(message)
  }

  // `answerDue`: the next refresh answer carries an expiresAt already inside the margin.
  const net = { down: false, restoreThrows: false, answerDue: false }
  let claimsVersion = 0
  // Access token id (`jti`) → the number of the refresh call that issued it, to tell a bypassed
  // cache from a hit. The public snapshot has no tokens; its claims name the token.
  const issuedBy = new Map<unknown, number>()
  // Every token the server handed out, to check that none is reachable from a public snapshot (I1).
  const secrets = new Set<string>()
  // Sessions the scenario itself put in storage: the server never saw them, so the scenario
  // answers their validation in the backend's place.
  const planted = new Set<string>()
  const remember = <T>(answer: T): T => {
    const { accessToken, refreshToken } = answer as { accessToken?: unknown; refreshToken?: unknown }
    if (typeof accessToken === 'string') secrets.add(accessToken)
    if (typeof refreshToken === 'string') secrets.add(refreshToken)
    return answer
  }
  const rotated = new Set<string>()
  let refreshCalls = 0
  let refreshInFlight = 0

  // The gate: calls of a held operation wait here, before reaching the backend, until released.
  const calls = createCallGate<GatedOperation, Exclude<GateOutcome, undefined>>()
  const gate = { hold: calls.hold, release: calls.release, resume: calls.resume, waiting: calls.waiting }
  gate.hold('refresh')

  // With a control that owns the network (`control.network`), the network is real: a call made
  // while it is down goes to your adapter and fails at your proxy. Without one, the world
  // simulates it: the call fails here, before your adapter.
  const ownsNetwork = typeof control.network === 'function'
  const offline = (op: string) => new ScriptedFailure('transient', `${op}: the network is unreachable`)
  const track = async <T>(op: GatedOperation, io: Promise<T>, offlineCall: boolean): Promise<T> => {
    inFlightIo.set(io, { at: Date.now(), offline: offlineCall })
    try {
      const answer = await io
      if (offlineCall) {
        violate(
          `${op} succeeded while control.network('down') had the network down: does it cut your adapter's requests?`,
        )
      }
      return answer
    } finally {
      inFlightIo.delete(io)
    }
  }
  // A call the scenario answers itself (no request): offline, it fails as the network would.
  const local = <T>(op: GatedOperation, answer: () => T): T => {
    if (net.down) throw offline(op)
    return answer()
  }
  // Every call: the network first, then the gate, then the backend (its real I/O tracked). A
  // call made offline fails at once, before the gate, as the model expects: simulated, or sent
  // for real past the gate so that your network fails it promptly.
  const call = async <T>(op: GatedOperation, signal: AbortSignal, run: () => Promise<T>): Promise<T> => {
    if (net.down) {
      if (!ownsNetwork) throw offline(op)
      return track(op, run(), true)
    }
    const outcome = calls.isHeld(op) ? await calls.pass(op, signal) : undefined
    if (outcome !== undefined) throw new ScriptedFailure(outcome, `${op}: ${outcome} (scripted by the scenario)`)
    if (net.down && !ownsNetwork) throw offline(op)
    // Released after the network dropped: your real network fails it.
    return track(op, run(), net.down)
  }
  const adapter: AuthAdapter<Credentials> = {
    name: `scenario(${inner.name})`,
    classify: (error: unknown): Classification =>
      error instanceof ScriptedFailure ? error.kind : (inner.classify?.(error) ?? 'transient'),
    ...(inner.refreshTokenLifetime === undefined ? {} : { refreshTokenLifetime: inner.refreshTokenLifetime }),
    ...(inner.refreshesWithoutToken === undefined ? {} : { refreshesWithoutToken: inner.refreshesWithoutToken }),
    signIn: (input, context) =>
      call('signIn', context.signal, async () => remember(await inner.signIn(input, context))),
    validate: (session, context) =>
      call('validate', context.signal, async () => {
        if (planted.has(session.accessToken)) return local('validate', () => ({ user: session.user }))
        if (inner.validate === undefined) return local('validate', () => undefined)
        return inner.validate(session, context)
      }),
    signOut: (session, context) =>
      call('signOut', context.signal, async () =>
        inner.signOut === undefined ? local('signOut', () => undefined) : inner.signOut(session, context),
      ),
    async restore() {
      if (net.restoreThrows) throw new Error('restore failed: the SDK could not read its cookie')
      return null
    },
    // Counted from the call, before the gate: a request waiting there has started (I2, and a
    // forced refresh must be answered by a request that started after it).
    async refresh(session: Session, context) {
      if (net.down && !ownsNetwork) throw offline('refresh')
      // Sent with your network down, it reaches no server and can issue no token, so it is not
      // counted among the refresh requests; yet it is in flight while it fails, and I2 holds for it.
      const number = net.down ? undefined : ++refreshCalls
      refreshInFlight += 1
      if (refreshInFlight > 1) violate(`I2: ${refreshInFlight} refresh requests in flight at once`)
      const presented = session.refreshToken
      if (presented !== undefined && rotated.has(presented)) {
        violate('I2: a refresh token another request already rotated was sent again')
      }
      try {
        const answer = remember(await call('refresh', context.signal, () => inner.refresh(session, context)))
        if (number === undefined) return answer
        if (presented !== undefined && answer.refreshToken !== presented) rotated.add(presented)
        issuedBy.set(decodeClaims(answer.accessToken).jti, number)
        if (net.answerDue) {
          net.answerDue = false
          // Just inside the margin of its own lifetime, yet later than the token it replaces
          // (a session that expires earlier would be refused as stale, not found due).
          const { iat, exp } = decodeClaims(answer.accessToken) as { iat?: number; exp?: number }
          const ttl = iat !== undefined && exp !== undefined ? (exp - iat) * 1000 : HOUR
          return { ...answer, expiresAt: clock.now() + Math.min(margin, ttl / 2) - 1 }
        }
        return answer
      } finally {
        refreshInFlight -= 1
      }
    },
  }

  const build = options.createClient ?? ((o: AuthClientOptions<Credentials>) => createAuthClient(o))
  const logLines: string[] = []

  const openTab = (name: 'A' | 'B'): Tab => {
    const client = build({
      adapter,
      clock,
      storage: profile.storage,
      tabs: options.tabs?.(profile, name) ?? profile,
      random: () => 0.5,
      refreshMargin: margin,
      logger: { warn: (m) => logLines.push(m), error: (m) => logLines.push(m) },
      ...options.client,
    })
    const tab: Tab = {
      name,
      client: client as AuthClient<unknown>,
      sink: undefined,
      errorsSeen: new Set(),
      errorsEmitted: new Set(),
      lastExpiresAt: null,
    }
    client.addTokenSink((token) => {
      tab.sink = token
    })
    client.on('error', ({ error }) => {
      tab.errorsEmitted.add(error)
    })
    client.subscribe((snapshot: AuthSnapshot) => {
      if (tokenKey(tab.sink) !== claimsKey(snapshot.claims)) {
        violate(`I4: tab ${name}'s sink was behind when a subscriber saw ${snapshot.status}`)
      }
      const leak = findSecret(snapshot, secrets)
      if (leak) violate(`I1: a token is reachable from tab ${name}'s public snapshot at ${leak}`)
      if (snapshot.error) tab.errorsSeen.add(snapshot.error)
      const expiresAt = snapshot.session?.expiresAt ?? null
      if (expiresAt !== null && tab.lastExpiresAt !== null && expiresAt < tab.lastExpiresAt) {
        violate(`tab ${name} replaced its session with an older one (a stale broadcast won)`)
      }
      tab.lastExpiresAt = snapshot.session === null ? null : expiresAt
    })
    options.setup?.(client, name)
    client.start()
    return tab
  }

  const tabs = { A: openTab('A'), B: openTab('B') }
  const windowOf = (session: { claims: Claims }) => {
    const { iat, exp } = session.claims
    return iat !== undefined && exp !== undefined && exp > iat ? Math.min(margin, ((exp - iat) * 1000) / 2) : margin
  }

  return {
    clock,
    backend,
    control,
    credentials: backend.credentials,
    gate,
    /**
     * Lets the held calls of `op` go on with the network down: they fail, for real through your
     * network when your control owns it, else as the scenario scripts it. Returns how many.
     */
    releaseOffline: (op: GatedOperation) => calls.release(op, ownsNetwork ? undefined : 'transient'),
    /** Whether your control's `network` move takes the network down (else the world simulates it). */
    ownsNetwork,
    planted,
    random: seededRandom(options.seed ?? 1),
    profile,
    adapter,
    net,
    tabs,
    violations,
    logLines,
    storageKey,
    channelName: `authchart:${storageKey}`,
    lockName: `authchart:refresh:${storageKey}`,
    requestTimeout,
    maxDelay,
    violate,
    windowOf,
    /** The number of refresh calls that reached the server so far. */
    refreshCallCount: () => refreshCalls,
    issuedBy,
    secrets,
    /** Changes the user's claims on the backend (`{ v: n }`); returns `n`. */
    async changeClaims() {
      claimsVersion += 1
      await control.changeClaims?.({ v: claimsVersion })
      return claimsVersion
    },
    async start() {
      await clock.flush()
      await clock.flush()
    },
    reopen(name: 'A' | 'B') {
      tabs[name].client.stop()
      tabs[name] = openTab(name)
    },
    stop() {
      tabs.A.client.stop()
      tabs.B.client.stop()
    },
    /** I1: a token handed out equals the held one and is fresh (or, backing off, not yet expired). */
    checkToken(tab: Tab, token: string) {
      // Backing off, the chart serves the held token until it expires (I1's one exception).
      const backingOff = tab.client.actor.getSnapshot().hasTag?.('token.untilExpiry') === true
      const session = tab.client.getSnapshot().session
      if (session === null || tokenKey(token) !== claimsKey(session.claims)) {
        violate(`I1: tab ${tab.name}'s getToken returned a token that is not the session it holds`)
        return
      }
      const now = clock.now()
      if (backingOff ? now >= session.expiresAt : now >= session.expiresAt - windowOf(session)) {
        violate(`I1: tab ${tab.name}'s getToken returned a token ${backingOff ? 'past expiry' : 'inside the margin'}`)
      }
    },
  }
}

/** The world `createAuthWorld` returns. */
export type AuthWorld = ReturnType<typeof createAuthWorld<unknown>>

/** The claims a token carries, as a string to compare by (tokens are named by their claims). */
export function tokenKey(token: string | null | undefined): string | null {
  return token ? JSON.stringify(decodeClaims(token)) : null
}

/** The same key for claims taken from a public snapshot. */
export function claimsKey(claims: Readonly<Claims> | null | undefined): string | null {
  return claims ? JSON.stringify(claims) : null
}

/**
 * Walks everything reachable from `value` (own properties, errors' messages and causes) and
 * returns the path of the first string that equals or contains one of `secrets`, or null.
 *
 * @example
 * findSecret(auth.getSnapshot(), new Set([refreshToken])) // null when the snapshot is clean
 */
export function findSecret(
  value: unknown,
  secrets: ReadonlySet<string>,
  path = 'snapshot',
  seen = new Set<object>(),
): string | null {
  if (typeof value === 'string') {
    for (const secret of secrets) if (value.includes(secret)) return path
    return null
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return null
  seen.add(value)
  const keys = new Set<string>(Object.getOwnPropertyNames(value))
  if (value instanceof Error) for (const key of ['message', 'stack', 'cause']) keys.add(key)
  for (const key of keys) {
    const found = findSecret((value as Record<string, unknown>)[key], secrets, `${path}.${key}`, seen)
    if (found) return found
  }
  return null
}
