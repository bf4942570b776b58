import { getInitialSnapshot, getNextSnapshot } from 'xstate'
import type { AuthAdapter } from '../AuthAdapter.js'
import type { AuthClientOptions } from '../AuthClientOptions.js'
import type { AuthSnapshot } from '../AuthSnapshot.js'
import type { AuthClient } from '../createAuthClient.js'
import { createAuthClient } from '../createAuthClient.js'
import { AuthError, ClaimsTimeoutError, RequestTimeoutError, SessionExpiredError, StorageError } from '../errors.js'
import type { Session } from '../Session.js'
import type { TabsOption } from '../TabTransport.js'
import { type AuthEnvironmentEvent, authEnvironmentModel } from './authEnvironmentModel.js'
import {
  createFakeAdapter,
  type FakeAdapter,
  type FakeAdapterOptions,
  FakeAuthError,
  type FakeCredentials,
} from './createFakeAdapter.js'
import { createFakeClock, type FakeClock } from './createFakeClock.js'
import { createFakeTabs, type FakeTabs } from './createFakeTabs.js'

const HOUR = 3_600_000
const STEP = 1_000

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

const credentials: FakeCredentials = { email: 'ada@example.com', password: 'pw' }

interface Tab {
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
  const violations: string[] = []
  const violate = (message: string) => {
    violations.push(message)
  }

  // `answerDue`: the next refresh answer carries an expiresAt already inside the margin.
  const net = { down: false, restoreThrows: false, answerDue: false }
  const ttl = options.adapter?.accessTokenTtl ?? HOUR
  let claimsVersion = 0
  let claimsLag: number | null = null
  // Access token → the number of the refresh call that issued it, to tell a bypassed cache from a hit.
  const issuedBy = new Map<string, number>()
  const rotated = new Set<string>()
  let refreshCalls = 0
  let refreshInFlight = 0

  const offline = (op: string) => new FakeAuthError('transient', `${op}: the network is unreachable`)
  const adapter: AuthAdapter<FakeCredentials> = {
    name: 'scenario',
    classify: fake.classify,
    async signIn(input, context) {
      if (net.down) throw offline('signIn')
      return fake.signIn(input, context)
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
        const answer = await fake.refresh(session, context)
        if (presented !== undefined) rotated.add(presented)
        issuedBy.set(answer.accessToken, call)
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
      const held = snapshot.session?.accessToken ?? null
      if (tab.sink !== held) violate(`I4: tab ${name}'s sink was behind when a subscriber saw ${snapshot.status}`)
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
  const windowOf = (session: Session) => {
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
    violate,
    windowOf,
    /** The number of refresh calls that reached the server so far. */
    refreshCallCount: () => refreshCalls,
    issuedBy,
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
      const { value, context } = tab.client.actor.getSnapshot()
      const session = context.session
      if (session === null || session.accessToken !== token) {
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

type Outcome<T> = { settled: false } | { settled: true; value?: T; error?: unknown }

function track<T>(promise: Promise<T>, onValue?: (value: T) => void): Outcome<T> & { settled: boolean } {
  const outcome: { settled: boolean; value?: T; error?: unknown } = { settled: false }
  promise.then(
    (value) => {
      outcome.settled = true
      outcome.value = value
      onValue?.(value)
    },
    (error: unknown) => {
      outcome.settled = true
      outcome.error = error
    },
  )
  return outcome as Outcome<T> & { settled: boolean }
}

const statusOf = (tab: Tab) => tab.client.getSnapshot().status

async function getToken(world: AuthWorld, tab: Tab) {
  const outcome = track(tab.client.getToken(), (token) => world.checkToken(tab, token))
  // Liveness: whatever the server or the lock does, a caller hears back within the request timeout.
  for (let waited = 0; !outcome.settled && waited <= world.requestTimeout + 5 * STEP; waited += STEP) {
    await world.clock.advance(STEP)
  }
  if (!outcome.settled) world.violate(`tab ${tab.name}'s getToken never settled (an unbounded wait)`)
  else if ('error' in outcome && !(outcome.error instanceof AuthError)) {
    world.violate(`tab ${tab.name}'s getToken failed with something other than an AuthError`)
  }
}

async function releaseUntil(world: AuthWorld, done: () => boolean, rounds: number) {
  for (let i = 0; i < rounds && !done(); i++) {
    world.fake.release('refresh', world.net.down ? 'transient' : undefined)
    await world.clock.advance(STEP)
  }
}

/** What each step of the model does to the real world. */
const executors: Record<AuthEnvironmentEvent['type'], (world: AuthWorld, expectSuccess: boolean) => Promise<void>> = {
  'tabA.signIn': async (world) => {
    const outcome = track(world.tabs.A.client.signIn(credentials))
    await world.clock.flush()
    if (!outcome.settled) world.violate('tabA.signIn never settled')
  },
  'tabA.getToken': (world) => getToken(world, world.tabs.A),
  'tabB.getToken': (world) => getToken(world, world.tabs.B),
  'tabA.forceRefresh': async (world, expectSuccess) => {
    const before = world.refreshCallCount()
    const outcome = track(world.tabs.A.client.refresh({ force: true }), (session) => {
      // A forced refresh bypasses every cache: its token comes from a request that started after it.
      if ((world.issuedBy.get(session.accessToken) ?? 0) <= before) {
        world.violate('seed 003: refresh({ force: true }) resolved with a token no new request issued')
      }
    })
    await releaseUntil(world, () => outcome.settled, 40)
    if (expectSuccess && !(outcome.settled && !('error' in outcome)))
      world.violate(
        `refresh({ force: true }) did not resolve: ${String('error' in outcome ? outcome.error : 'pending')}`,
      )
  },
  'tabA.refreshUntilClaims': async (world) => {
    const wanted = pendingClaims.get(world) ?? 0
    const outcome = track(
      world.tabs.A.client.refresh({ force: true, until: (claims) => claims.v === wanted, timeoutMs: 60_000 }),
      (session) => {
        const held = world.tabs.A.client.getSnapshot().claims
        if (session.claims.v !== wanted || held?.v !== wanted) {
          world.violate('I6: refresh({ until }) resolved but the held claims do not satisfy the predicate')
        }
      },
    )
    await releaseUntil(world, () => outcome.settled, 60)
    if (!(outcome.settled && !('error' in outcome))) world.violate('I6: refresh({ until }) did not resolve')
  },
  'clock.reachesMargin': async (world) => {
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null) return
    await world.clock.advance(Math.max(0, session.expiresAt - world.windowOf(session) + STEP - world.clock.now()))
  },
  'clock.reachesExpiry': async (world) => {
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null) return
    await world.clock.advance(Math.max(0, session.expiresAt + STEP - world.clock.now()))
  },
  'refresh.resolves': async (world, reachable) => {
    // Whatever waits at the server is answered now, even a request the client gave up on.
    world.fake.release('refresh', world.net.down ? 'transient' : undefined)
    await world.clock.advance(STEP)
    const settled = () => statusOf(world.tabs.A) !== 'refreshing'
    await releaseUntil(world, settled, reachable ? 90 : 5)
  },
  'network.drops': async (world) => {
    world.net.down = true
  },
  'network.returns': async (world) => {
    world.net.down = false
    // What a page with authchart/vanilla's bindBrowserEvents does on `online`: tell each running
    // chart to check now, so a refresh backing off retries without waiting out its delay.
    for (const tab of [world.tabs.A, world.tabs.B]) {
      if (tab.client.actor.getSnapshot().status === 'active') tab.client.actor.send({ type: 'session.check' })
    }
  },
  'server.restarts': async (world) => {
    world.fake.forgetRefreshTokens()
  },
  'server.changesClaims': async (world) => {
    pendingClaims.set(world, world.changeClaims())
  },
  'page.reloads': async (world) => {
    world.reopen('A')
    await world.start()
  },
  'restore.throws': async (world) => {
    world.net.restoreThrows = true
    world.reopen('A')
    await world.start()
    world.net.restoreThrows = false
    const { status, error } = world.tabs.A.client.getSnapshot()
    if (status !== 'unauthenticated' || error === null) {
      world.violate('seed 001: a restore that threw left no error (swallowed)')
    }
  },
  'storage.corrupted': async (world) => {
    await world.profile.storage.setItem(world.storageKey, '{"v":1,"accessToken":')
    world.reopen('A')
    world.reopen('B')
    await world.start()
    if ((await world.profile.storage.getItem(world.storageKey)) !== null) {
      world.violate('I7: the corrupt stored session was not removed')
    }
    if (!(world.tabs.A.client.getSnapshot().error instanceof StorageError)) {
      world.violate('I7: reading a corrupt store gave no StorageError')
    }
  },
  'tabB.signsOut': async (world) => {
    await world.tabs.B.client.signOut()
    await world.start()
  },
  'tabB.hangsHoldingLock': async (world) => {
    hungLocks.set(world, world.profile.holdLock(world.lockName))
    await world.clock.flush()
  },
  'tabB.releasesLock': async (world) => {
    hungLocks.get(world)?.()
    hungLocks.delete(world)
    await world.clock.flush()
  },
  'tab.staleBroadcast': async (world) => {
    const first = world.profile.posted.find((m) => (m as { type?: string }).type === 'session')
    if (first !== undefined) world.profile.post(world.channelName, first)
    await world.start()
  },
  'tabB.signIn': async (world) => {
    const outcome = track(world.tabs.B.client.signIn(credentials))
    await world.start()
    if (!outcome.settled) world.violate('tabB.signIn never settled')
  },
  'device.sleeps': async (world) => {
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null) return
    world.clock.jump(Math.max(0, session.expiresAt - world.windowOf(session) + STEP - world.clock.now()))
    // On waking, the app asks for a token before any timer fires: it must not get the due one.
    const outcome = track(world.tabs.A.client.getToken(), (token) => world.checkToken(world.tabs.A, token))
    await world.clock.flush()
    void outcome
  },
  'tabA.refreshTimesOut': async (world) => {
    const outcome = track(world.tabs.A.client.refresh({ force: true, timeoutMs: 5 * STEP }))
    for (let i = 0; i < 20; i++) await world.clock.advance(STEP)
    if (!outcome.settled || !(outcome.error instanceof RequestTimeoutError)) {
      world.violate('refresh({ timeoutMs }) outlived its timeout without a RequestTimeoutError')
    }
  },
  'tabA.waitsForClaimsThatNeverCome': async (world) => {
    const held = world.tabs.A.client.getSnapshot().session
    const never = (pendingClaims.get(world) ?? 0) + 1_000
    const outcome = track(
      world.tabs.A.client.refresh({ force: true, until: (claims) => claims.v === never, timeoutMs: 4_500 }),
    )
    await releaseUntil(world, () => outcome.settled, 10)
    if (!outcome.settled || !(outcome.error instanceof ClaimsTimeoutError)) {
      world.violate('seed 003: refresh({ until }) with claims that never come did not end in ClaimsTimeoutError')
    }
    if (held !== null && world.tabs.A.client.getSnapshot().session === null) {
      world.violate('seed 003: a claims timeout dropped the session')
    }
  },
  'tab.malformedBroadcast': async (world) => {
    world.profile.post(world.channelName, { v: 1, type: 'session', accessToken: 42 })
    await world.start()
    if (world.tabs.A.client.getSnapshot().error === null) world.violate('I7: a malformed tab message was not reported')
  },
  'tabA.signsOutWhileServerHangs': async (world) => {
    world.fake.hold('signOut')
    const first = track(world.tabs.A.client.signOut())
    await world.clock.flush()
    const second = track(world.tabs.A.client.signOut())
    const other = track(world.tabs.B.client.signOut())
    for (let waited = 0; waited <= world.requestTimeout + STEP; waited += STEP) await world.clock.advance(STEP)
    world.fake.resume('signOut')
    await world.start()
    if (!first.settled || !second.settled || !other.settled)
      world.violate('signOut never settled while the server hung')
  },
  'tabA.signInWhileTabBSignsOut': async (world) => {
    world.fake.hold('signIn')
    const signIn = track(world.tabs.A.client.signIn(credentials))
    await world.clock.flush()
    track(world.tabs.B.client.signOut())
    await world.start()
    world.fake.resume('signIn')
    await world.start()
    if (!signIn.settled || 'error' in signIn) world.violate('a sign-in did not survive another tab signing out')
  },
  'page.reloadsWhileServerHangs': async (world) => {
    world.fake.hold('validate')
    world.reopen('A')
    for (let waited = 0; waited <= world.requestTimeout + STEP; waited += STEP) await world.clock.advance(STEP)
    world.fake.resume('validate')
    await world.start()
  },
  'page.reloadsWhileTabBRefreshes': async (world) => {
    world.fake.hold('validate')
    world.reopen('A')
    await world.clock.flush()
    const refreshed = track(world.tabs.B.client.refresh({ force: true }))
    await releaseUntil(world, () => refreshed.settled, 10)
    world.fake.resume('validate')
    await world.start()
    const held = world.tabs.A.client.getSnapshot().session?.accessToken
    if (!refreshed.settled || 'error' in refreshed || held !== refreshed.value?.accessToken) {
      world.violate('tab A, validating after a reload, did not take the session tab B refreshed')
    }
  },
  'page.reloadsWithExpiredTokenlessSession': async (world) => {
    const now = Math.floor(world.clock.now() / 1000)
    await reloadBothWith(world, tokenlessSession(now - 7_200, now - 3_600))
    await expectEnded(world, 'token_expired', 'a stored session past expiry with no refresh token')
  },
  'page.reloadsWithRevokedTokenlessSession': async (world) => {
    const now = Math.floor(world.clock.now() / 1000)
    // Held so that both tabs' validations are answered "rejected", and nothing queued outlives the step.
    world.fake.hold('validate')
    await reloadBothWith(world, tokenlessSession(now, now + 3_600))
    world.fake.release('validate', 'rejected')
    world.fake.resume('validate')
    await world.start()
    await expectEnded(world, 'validation_rejected', 'a rejected stored session with no refresh token')
  },
  'page.reloadsWithRevokedAccessToken': async (world) => {
    const before = world.tabs.A.client.getSnapshot().session?.accessToken
    world.fake.hold('validate')
    world.reopen('A')
    await world.clock.flush()
    world.fake.release('validate', 'rejected')
    world.fake.resume('validate')
    await world.clock.flush()
    if (statusOf(world.tabs.A) !== 'refreshing') {
      world.violate(`a rejected validation with a refresh token left tab A ${statusOf(world.tabs.A)}, not refreshing`)
    }
    await releaseUntil(world, () => statusOf(world.tabs.A) !== 'refreshing', 10)
    const after = world.tabs.A.client.getSnapshot().session?.accessToken
    if (after === undefined || after === before) world.violate('tab A kept the access token the server rejected')
  },
  'page.reloadsAsTheMarginNears': async (world) => {
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null) return
    const margin = session.expiresAt - world.windowOf(session)
    await world.clock.advance(Math.max(0, margin - 3 * STEP - world.clock.now()))
    world.fake.hold('validate')
    world.reopen('A')
    await world.clock.flush()
    // The validation outlasts the margin (well within the request timeout), then fails transiently.
    await world.clock.advance(4 * STEP)
    world.fake.release('validate', 'transient')
    world.fake.resume('validate')
    await world.clock.flush()
    if (statusOf(world.tabs.A) !== 'refreshing') {
      world.violate(`a due token whose validation failed left tab A ${statusOf(world.tabs.A)}, not refreshing`)
    }
    await releaseUntil(world, () => statusOf(world.tabs.A) !== 'refreshing', 30)
    const held = world.tabs.A.client.getSnapshot().session
    if (held === null || world.clock.now() >= held.expiresAt - world.windowOf(held)) {
      world.violate('after a failed validation of a due token, tab A holds no fresh session')
    }
  },
  'server.answersAlreadyDueToken': async (world) => {
    world.net.answerDue = true
    world.fake.release('refresh')
    await world.clock.flush()
    const { value } = world.tabs.A.client.actor.getSnapshot()
    if ((value as { refreshing?: string }).refreshing !== 'backingOff') {
      world.violate(`a token due on arrival left tab A in ${JSON.stringify(value)}, not backing off`)
    }
    await releaseUntil(world, () => statusOf(world.tabs.A) !== 'refreshing', 30)
    world.net.answerDue = false
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null || world.clock.now() >= session.expiresAt - world.windowOf(session)) {
      world.violate('after a token due on arrival, the retry did not bring a fresh one')
    }
  },
  'tabA.refreshTimesOutWhileBackingOff': async (world) => {
    // The request in flight when the network dropped fails; tab A backs off with its token due.
    world.fake.release('refresh', 'transient')
    await world.clock.flush()
    // An `until` caller outlives transient failures, so its own timeout is what ends it.
    const outcome = track(world.tabs.A.client.refresh({ until: () => true, timeoutMs: 2 * STEP }))
    for (let i = 0; i < 4; i++) await world.clock.advance(STEP)
    if (!outcome.settled || !(outcome.error instanceof ClaimsTimeoutError)) {
      world.violate('refresh({ until, timeoutMs }) in backoff outlived its timeout without a ClaimsTimeoutError')
    }
    if (world.tabs.A.client.getSnapshot().session === null)
      world.violate('a timed-out caller in backoff dropped the session')
  },
  'tabA.secondClaimsCallerTimesOut': async (world) => {
    const { client } = world.tabs.A
    const never = () => false
    const patient = track(client.refresh({ force: true, until: never, timeoutMs: 3 * STEP }))
    await world.clock.flush()
    world.fake.release('refresh')
    await world.clock.flush()
    // Between two forced claims retries (250 ms apart at first) a second caller joins, and its
    // 100 ms timeout fires before the retry: it must go alone, leaving the first one waiting.
    const impatient = track(client.refresh({ until: never, timeoutMs: 100 }))
    await world.clock.advance(150)
    if (!impatient.settled || !(impatient.error instanceof ClaimsTimeoutError)) {
      world.violate('the second refresh({ until }) caller outlived its timeout')
    }
    if (patient.settled) world.violate("a second caller's timeout settled the first refresh({ until }) caller too")
    await releaseUntil(world, () => patient.settled, 10)
    if (!patient.settled || !(patient.error instanceof ClaimsTimeoutError)) {
      world.violate('refresh({ until }) with claims that never come did not end in ClaimsTimeoutError')
    }
  },
  'realtime.joins': async (world) => {
    const { sink, client } = world.tabs.A
    const held = client.getSnapshot().session?.accessToken ?? null
    if (sink !== held) world.violate("seed 001: the realtime socket joined with a token that is not the session's")
  },
}

/** A stored session as an SDK without refresh tokens leaves it: a JWT and no refresh token. */
function tokenlessSession(iat: number, exp: number) {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const user = { id: `user-${credentials.email}`, email: credentials.email }
  const accessToken = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: user.id, email: user.email, iat, exp })}.`
  return { v: 1, accessToken, expiresAt: exp * 1000, user, refreshTokenAt: null }
}

// Both tabs reload onto the stored session, so neither keeps an older one in memory.
async function reloadBothWith(world: AuthWorld, stored: object) {
  await world.profile.storage.setItem(world.storageKey, JSON.stringify(stored))
  world.reopen('A')
  world.reopen('B')
  await world.start()
}

// I5 and I7 for a session that cannot be saved: expired with its reason, and no longer stored.
async function expectEnded(world: AuthWorld, reason: string, what: string) {
  const { status, error } = world.tabs.A.client.getSnapshot()
  if (status !== 'expired' || !(error instanceof SessionExpiredError) || error.reason !== reason) {
    world.violate(`I5: ${what} left tab A ${status} with ${String(error)}, not expired (${reason})`)
  }
  if ((await world.profile.storage.getItem(world.storageKey)) !== null) world.violate(`I7: ${what} stayed stored`)
}

const pendingClaims = new WeakMap<AuthWorld, number>()
const hungLocks = new WeakMap<AuthWorld, () => void>()

const expectedStatus: Record<string, readonly string[]> = {
  signedOut: ['unauthenticated', 'expired'],
  fresh: ['authenticated'],
  due: ['refreshing'],
  expired: ['refreshing'],
}

function afterStep(world: AuthWorld, modelState: string, event: AuthEnvironmentEvent['type']) {
  const { A, B } = world.tabs
  const status = statusOf(A)
  if (!expectedStatus[modelState]?.includes(status)) {
    world.violate(`the model expects tab A ${modelState} (${expectedStatus[modelState]?.join('/')}), it is ${status}`)
  }
  // Checked on the step that ended the session: a later, unrelated failure may replace `error`.
  const ending = event === 'refresh.resolves' || event === 'tabA.forceRefresh'
  if (ending && status === 'expired' && !(A.client.getSnapshot().error instanceof SessionExpiredError)) {
    world.violate('I5: tab A is expired without a SessionExpiredError reason')
  }
  for (const tab of [A, B]) {
    for (const error of tab.errorsSeen) {
      if (!tab.errorsEmitted.has(error)) world.violate(`I3: tab ${tab.name} holds an error that was never emitted`)
    }
  }
}

async function checkSignedOutStore(world: AuthWorld) {
  const { A, B } = world.tabs
  if (A.client.getSnapshot().session !== null || B.client.getSnapshot().session !== null) return
  if ((await world.profile.storage.getItem(world.storageKey)) !== null) {
    world.violate('no tab holds a session, yet one is stored (a late result was written after sign-out)')
  }
}

/** A readable name for a path: its steps joined by arrows. */
export function describeScenario(events: ReadonlyArray<AuthEnvironmentEvent>): string {
  return events.length === 0 ? '(start)' : events.map((e) => e.type).join(' → ')
}

/**
 * Runs one path of the environment model on real clients: two tabs of one profile, a fake
 * server and a fake clock. After every step it checks I1–I7 and the model's prediction of tab
 * A's state, and throws a {@link ScenarioFailure} naming the step and the whole path.
 *
 * @example
 * await runAuthScenario([{ type: 'tabA.signIn' }, { type: 'clock.reachesMargin' }, { type: 'tabB.getToken' }])
 */
export async function runAuthScenario(
  events: ReadonlyArray<AuthEnvironmentEvent>,
  options: AuthScenarioOptions = {},
): Promise<void> {
  const world = createAuthWorld(options)
  let model = getInitialSnapshot(authEnvironmentModel)
  try {
    await world.start()
    for (const [index, event] of events.entries()) {
      const { network, lock, server } = model.context
      // Whether the server can answer: a forced refresh must then succeed, a due one must settle.
      const reachable = network === 'up' && lock === 'free' && model.value !== 'signedOut'
      const expectSuccess = event.type === 'tabA.forceRefresh' ? reachable && server === 'ok' : reachable
      model = getNextSnapshot(authEnvironmentModel, model, event)
      await executors[event.type](world, expectSuccess)
      await world.start()
      afterStep(world, String(model.value), event.type)
      await checkSignedOutStore(world)
      if (world.violations.length > 0) {
        throw new ScenarioFailure(
          `step ${index + 1} (${event.type}) of the path\n  ${describeScenario(events)}\nbroke: ${world.violations.join('; ')}`,
        )
      }
    }
  } finally {
    world.stop()
    await world.clock.flush()
  }
}
