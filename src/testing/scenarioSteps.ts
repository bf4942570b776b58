import {
  ClaimsTimeoutError,
  NotAuthenticatedError,
  RequestTimeoutError,
  SessionExpiredError,
  StorageError,
} from '../errors.js'
import { type AuthEnvironmentEvent } from './authEnvironmentModel.js'
import { BACKEND_FAILURES } from './AuthBackend.js'
import { type AuthWorld, claimsKey, STEP, tokenKey } from './createAuthWorld.js'
import { getToken, releaseUntil, statusOf, track } from './scenarioHelpers.js'
import { coverageSteps } from './coverageSteps.js'

/** What each step of the model does to the real world. */
export const executors: Record<
  AuthEnvironmentEvent['type'],
  (world: AuthWorld, expectSuccess: boolean) => Promise<void>
> = {
  ...coverageSteps,
  'tabA.signIn': async (world) => {
    const outcome = track(world.tabs.A.client.signIn(world.credentials))
    await world.clock.flush()
    if (!outcome.settled) world.violate('tabA.signIn never settled')
  },
  'tabA.getToken': (world) => getToken(world, world.tabs.A),
  'tabB.getToken': (world) => getToken(world, world.tabs.B),
  'tabA.forceRefresh': async (world, expectSuccess) => {
    const before = world.refreshCallCount()
    const ended = statusOf(world.tabs.A)
    const outcome = track(world.tabs.A.client.refresh({ force: true }), (session) => {
      // A forced refresh bypasses every cache: its token comes from a request that started after it.
      if ((world.issuedBy.get(session.claims.jti) ?? 0) <= before) {
        world.violate('refresh({ force: true }) resolved with a token no new request issued (a cache hit)')
      }
    })
    await releaseUntil(world, () => outcome.settled, 40)
    if (ended === 'unauthenticated' || ended === 'expired') {
      const refusal = ended === 'expired' ? SessionExpiredError : NotAuthenticatedError
      if (!outcome.settled || !('error' in outcome) || !(outcome.error instanceof refusal)) {
        world.violate(`refresh({ force: true }) while ${ended} was not refused with a ${refusal.name}`)
      }
    }
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
    if (world.net.down) world.releaseOffline('refresh')
    else world.gate.release('refresh')
    await world.clock.advance(STEP)
    const settled = () => statusOf(world.tabs.A) !== 'refreshing'
    await releaseUntil(world, settled, reachable ? 90 : 5)
  },
  'network.drops': async (world) => {
    // Your control's network first: from here on a call your client makes goes out for real and fails.
    await world.control.network?.('down')
    world.net.down = true
    // What authchart/vanilla's bindBrowserEvents does on `offline`.
    for (const tab of [world.tabs.A, world.tabs.B]) tab.client.notify('offline')
  },
  'network.returns': async (world) => {
    await world.control.network?.('up')
    world.net.down = false
    // What bindBrowserEvents does on `online`: tell each running chart, and have it check now, so
    // a refresh backing off retries without waiting out its delay.
    for (const tab of [world.tabs.A, world.tabs.B]) tab.client.notify('online')
  },
  'server.losesStore': async (world) => {
    await world.control.loseStore?.()
  },
  'server.restarts': async (world) => {
    await world.control.restart?.()
    // A restart must keep every session: the next refresh works with the refresh token held.
    const outcome = track(world.tabs.A.client.refresh({ force: true }))
    await releaseUntil(world, () => outcome.settled, 40)
    if (!outcome.settled || 'error' in outcome) {
      world.violate(
        `after the server restarted, refresh() failed (${String('error' in outcome ? outcome.error : 'pending')}): ` +
          'a restart lost the session (is the store in memory?)',
      )
    }
  },
  'server.expiresAccessToken': async (world) => {
    const before = claimsKey(world.tabs.A.client.getSnapshot().claims)
    await world.control.expireAccessToken?.()
    // The page reloads: the server refuses the stored access token, the client refreshes.
    world.reopen('A')
    await world.clock.flush()
    await releaseUntil(
      world,
      () => statusOf(world.tabs.A) !== 'validating' && statusOf(world.tabs.A) !== 'refreshing',
      40,
    )
    const after = claimsKey(world.tabs.A.client.getSnapshot().claims)
    if (after === null || after === before) world.violate('tab A kept the access token the server expired')
  },
  'server.revokesSession': async (world) => {
    await world.control.revokeSession?.()
    const outcome = track(world.tabs.A.client.refresh({ force: true }))
    await releaseUntil(world, () => outcome.settled, 40)
    const { status, error } = world.tabs.A.client.getSnapshot()
    if (!outcome.settled || !('error' in outcome)) world.violate('refresh() of a revoked session did not fail')
    if (status !== 'expired' || !(error instanceof SessionExpiredError)) {
      world.violate(`I5: a revoked session left tab A ${status} with ${String(error)}, not expired with a reason`)
    }
  },
  'server.failsNext': async (world) => {
    const kind = BACKEND_FAILURES[Math.floor(world.random() * BACKEND_FAILURES.length)] ?? '5xx'
    await world.control.failNext?.(1, kind)
    const first = track(world.tabs.A.client.refresh({ force: true }))
    await releaseUntil(world, () => first.settled, 40)
    if (!first.settled) world.violate(`refresh() never settled after a ${kind} answer`)
    if (world.tabs.A.client.getSnapshot().session === null) world.violate(`I5: a ${kind} answer dropped the session`)
    // The retry (after the backoff) gets a good answer.
    const second = track(world.tabs.A.client.refresh({ force: true }))
    await releaseUntil(world, () => second.settled && statusOf(world.tabs.A) !== 'refreshing', 60)
    if (!second.settled || 'error' in second) {
      world.violate(
        `after a ${kind} answer, the next refresh() did not succeed: ${String('error' in second ? second.error : 'pending')}`,
      )
    }
  },
  'server.changesClaims': async (world) => {
    pendingClaims.set(world, await world.changeClaims())
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
      world.violate('I3: a restore that threw left no error (swallowed)')
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
    const outcome = track(world.tabs.B.client.signIn(world.credentials))
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
      world.violate('I6: refresh({ until }) with claims that never come did not end in ClaimsTimeoutError')
    }
    if (held !== null && world.tabs.A.client.getSnapshot().session === null) {
      world.violate('I6: a claims timeout dropped the session')
    }
  },
  'tab.malformedBroadcast': async (world) => {
    world.profile.post(world.channelName, { v: 1, type: 'session', accessToken: 42 })
    await world.start()
    if (world.tabs.A.client.getSnapshot().error === null) world.violate('I7: a malformed tab message was not reported')
  },
  'tabA.signsOutWhileServerHangs': async (world) => {
    world.gate.hold('signOut')
    const first = track(world.tabs.A.client.signOut())
    await world.clock.flush()
    const second = track(world.tabs.A.client.signOut())
    const other = track(world.tabs.B.client.signOut())
    for (let waited = 0; waited <= world.requestTimeout + STEP; waited += STEP) await world.clock.advance(STEP)
    world.gate.resume('signOut')
    await world.start()
    if (!first.settled || !second.settled || !other.settled)
      world.violate('signOut never settled while the server hung')
  },
  'tabA.signInWhileTabBSignsOut': async (world) => {
    world.gate.hold('signIn')
    const signIn = track(world.tabs.A.client.signIn(world.credentials))
    await world.clock.flush()
    track(world.tabs.B.client.signOut())
    await world.start()
    world.gate.resume('signIn')
    await world.start()
    if (!signIn.settled || 'error' in signIn) world.violate('a sign-in did not survive another tab signing out')
  },
  'page.reloadsWhileServerHangs': async (world) => {
    world.gate.hold('validate')
    world.reopen('A')
    for (let waited = 0; waited <= world.requestTimeout + STEP; waited += STEP) await world.clock.advance(STEP)
    world.gate.resume('validate')
    await world.start()
  },
  'page.reloadsWhileTabBRefreshes': async (world) => {
    world.gate.hold('validate')
    world.reopen('A')
    await world.clock.flush()
    const refreshed = track(world.tabs.B.client.refresh({ force: true }))
    await releaseUntil(world, () => refreshed.settled, 10)
    world.gate.resume('validate')
    await world.start()
    const held = claimsKey(world.tabs.A.client.getSnapshot().claims)
    if (!refreshed.settled || 'error' in refreshed || held !== claimsKey(refreshed.value?.claims)) {
      world.violate('tab A, validating after a reload, did not take the session tab B refreshed')
    }
  },
  'realtime.joins': async (world) => {
    const { sink, client } = world.tabs.A
    if (tokenKey(sink) !== claimsKey(client.getSnapshot().claims))
      world.violate("I4: the realtime socket joined with a token that is not the session's")
  },
}

const pendingClaims = new WeakMap<AuthWorld, number>()
const hungLocks = new WeakMap<AuthWorld, () => void>()
