import type { AuthAdapter } from '../AuthAdapter.js'
import type { AuthClientOptions } from '../AuthClientOptions.js'
import type { AuthSnapshot } from '../AuthSnapshot.js'
import type { AuthClient } from '../AuthClient.js'
import { createAuthClient } from '../createAuthClient.js'
import type { AuthError } from '../errors.js'
import { decodeClaims } from '../parseSession.js'
import type { Claims, Session } from '../Session.js'
import type { TabsOption } from '../TabTransport.js'
import {
  createFakeAdapter,
  type FakeAdapter,
  type FakeAdapterOptions,
  FakeAuthError,
  type FakeCredentials,
} from './createFakeAdapter.js'
import { createFakeClock, type FakeClock } from './createFakeClock.js'
import { createFakeTabs, type FakeTabs } from './createFakeTabs.js'

export const HOUR = 3_600_000
export const STEP = 1_000

/** How `runAuthScenario` builds the world; every field is optional. */
export interface AuthScenarioOptions {
  /** Your client options (margin, retry, inspect, ...). Adapter, clock, storage and tabs are the scenario's. */
  client?: Partial<Omit<AuthClientOptions<FakeCredentials>, 'adapter' | 'clock' | 'storage' | 'tabs'>>
  /** The fake server's options. Default: one-hour tokens with rotation. */
  adapter?: Omit<FakeAdapterOptions, 'clock'>
  /** Your sinks and listeners, attached to each tab before it starts (as your app does at boot). */
  setup?: (client: AuthClient<FakeCredentials>, tab: 'A' | 'B') => void
  /** Builds a tab's client: your wrapper around `createAuthClient`. Default `createAuthClient`. */
  createClient?: (options: AuthClientOptions<FakeCredentials>) => AuthClient<FakeCredentials>
  /** The tabs transport a tab's client gets. Default: the profile's channel and lock. */
  tabs?: (profile: FakeTabs, tab: 'A' | 'B') => TabsOption
}

/** A step that broke an invariant; the message names the step and the whole path. */
export class ScenarioFailure extends Error {
  override readonly name = 'ScenarioFailure'
}

export const credentials: FakeCredentials = { email: 'ada@example.com', password: 'pw' }

export interface Tab {
  name: 'A' | 'B'
  client: AuthClient<FakeCredentials>
  sink: string | null | undefined
  errorsSeen: Set<AuthError>
  errorsEmitted: Set<AuthError>
  lastExpiresAt: number | null
}

/**
 * The world a scenario runs in: one browser profile (shared storage, channel and lock) with
 * tabs A and B, a fake clock, and a fake server behind a gate, so "a refresh starts" and "it
 * resolves" are separate steps. Monitors record every invariant violation as it happens.
 *
 * @example
 * const world = createAuthWorld()
 * await world.start()
 * await world.tabs.A.client.signIn({ email: 'ada@example.com', password: 'pw' })
 * expect(world.violations).toEqual([])
 */
export function createAuthWorld(options: AuthScenarioOptions = {}) {
  const clock: FakeClock = createFakeClock()
  const fake: FakeAdapter = createFakeAdapter({ clock, accessTokenTtl: HOUR, ...options.adapter })
  fake.hold('refresh')
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
  const ttl = options.adapter?.accessTokenTtl ?? HOUR
  let claimsVersion = 0
  let claimsLag: number | null = null
  // Access token id (`jti`) → the number of the refresh call that issued it, to tell a bypassed
  // cache from a hit. The public snapshot has no tokens; its claims name the token.
  const issuedBy = new Map<unknown, number>()
  // Every token the server handed out, to check that none is reachable from a public snapshot (I1).
  const secrets = new Set<string>()
  const remember = (answer: { accessToken: string; refreshToken?: string | undefined }) => {
    secrets.add(answer.accessToken)
    if (answer.refreshToken !== undefined) secrets.add(answer.refreshToken)
    return answer
  }
  const rotated = new Set<string>()
  let refreshCalls = 0
  let refreshInFlight = 0

  const offline = (op: string) => new FakeAuthError('transient', `${op}: the network is unreachable`)
  const adapter: AuthAdapter<FakeCredentials> = {
    name: 'scenario',
    classify: fake.classify,
    async signIn(input, context) {
      if (net.down) throw offline('signIn')
      return remember(await fake.signIn(input, context))
    },
    async validate(session, context) {
      if (net.down) throw offline('validate')
      return fake.validate?.(session, context)
    },
    async signOut(session, context) {
      if (net.down) throw offline('signOut')
      await fake.signOut?.(session, context)
    },
    async restore() {
      if (net.restoreThrows) throw new Error('restore failed: the SDK could not read its cookie')
      return null
    },
    async refresh(session: Session, context) {
      if (net.down) throw offline('refresh')
      const call = ++refreshCalls
      refreshInFlight += 1
      if (refreshInFlight > 1) violate(`I2: ${refreshInFlight} refresh requests in flight at once`)
      const presented = session.refreshToken
      if (presented !== undefined && rotated.has(presented)) {
        violate('I2: a refresh token another request already rotated was sent again')
      }
      try {
        const answer = remember(await fake.refresh(session, context))
        if (presented !== undefined) rotated.add(presented)
        issuedBy.set(decodeClaims(answer.accessToken).jti, call)
        if (net.answerDue) {
          net.answerDue = false
          // Just inside the margin of its own lifetime, yet later than the token it replaces
          // (a session that expires earlier would be refused as stale, not found due).
          return { ...answer, expiresAt: clock.now() + Math.min(margin, ttl / 2) - 1 }
        }
        // Claims reach the tokens one refresh after they change, as with a replicated user store.
        if (claimsLag !== null) {
          if (claimsLag > 0) claimsLag -= 1
          else {
            fake.setClaims({ v: claimsVersion })
            claimsLag = null
          }
        }
        return answer
      } finally {
        refreshInFlight -= 1
      }
    },
  }

  const build = options.createClient ?? ((o: AuthClientOptions<FakeCredentials>) => createAuthClient(o))
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
      client,
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
    fake,
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
    changeClaims() {
      claimsVersion += 1
      claimsLag = 1
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
      const { value } = tab.client.actor.getSnapshot()
      const session = tab.client.getSnapshot().session
      if (session === null || tokenKey(token) !== claimsKey(session.claims)) {
        violate(`I1: tab ${tab.name}'s getToken returned a token that is not the session it holds`)
        return
      }
      const now = clock.now()
      const backingOff = typeof value === 'object' && (value as { refreshing?: string }).refreshing === 'backingOff'
      if (backingOff ? now >= session.expiresAt : now >= session.expiresAt - windowOf(session)) {
        violate(`I1: tab ${tab.name}'s getToken returned a token ${backingOff ? 'past expiry' : 'inside the margin'}`)
      }
    },
  }
}

/** The world `createAuthWorld` returns. */
export type AuthWorld = ReturnType<typeof createAuthWorld>

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
