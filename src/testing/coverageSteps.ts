import { ClaimsTimeoutError } from '../errors.js'
import type { AuthEnvironmentEvent } from './authEnvironmentModel.js'
import { type AuthWorld, claimsKey, STEP } from './createAuthWorld.js'
import {
  expectEnded,
  refreshingStep,
  releaseUntil,
  reloadBothWith,
  statusOf,
  tokenlessSession,
  track,
} from './scenarioHelpers.js'

type Step = (world: AuthWorld, expectSuccess: boolean) => Promise<void>

/**
 * The steps that exist to reach the chart's edge transitions: reloads onto sessions that cannot
 * be used, a validation outliving the margin, an answer already due, and `refresh()` callers
 * timing out mid-refresh. Each runs in exactly one model context and checks its own outcome.
 */
export const coverageSteps = {
  'page.reloadsWithExpiredTokenlessSession': async (world) => {
    const now = Math.floor(world.clock.now() / 1000)
    await reloadBothWith(world, tokenlessSession(now - 7_200, now - 3_600))
    await expectEnded(world, 'token_expired', 'a stored session past expiry with no refresh token')
  },
  'page.reloadsWithRevokedTokenlessSession': async (world) => {
    const now = Math.floor(world.clock.now() / 1000)
    // Held so that both tabs' validations are answered "rejected", and nothing queued outlives the step.
    world.gate.hold('validate')
    await reloadBothWith(world, tokenlessSession(now, now + 3_600))
    world.gate.release('validate', 'rejected')
    world.gate.resume('validate')
    await world.start()
    await expectEnded(world, 'validation_rejected', 'a rejected stored session with no refresh token')
  },
  'page.reloadsWithRevokedAccessToken': async (world) => {
    const before = claimsKey(world.tabs.A.client.getSnapshot().claims)
    world.gate.hold('validate')
    world.reopen('A')
    await world.clock.flush()
    world.gate.release('validate', 'rejected')
    world.gate.resume('validate')
    await world.clock.flush()
    if (statusOf(world.tabs.A) !== 'refreshing') {
      world.violate(`a rejected validation with a refresh token left tab A ${statusOf(world.tabs.A)}, not refreshing`)
    }
    await releaseUntil(world, () => statusOf(world.tabs.A) !== 'refreshing', 10)
    const after = claimsKey(world.tabs.A.client.getSnapshot().claims)
    if (after === null || after === before) world.violate('tab A kept the access token the server rejected')
  },
  'page.reloadsAsTheMarginNears': async (world) => {
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null) return
    const margin = session.expiresAt - world.windowOf(session)
    await world.clock.advance(Math.max(0, margin - 3 * STEP - world.clock.now()))
    world.gate.hold('validate')
    world.reopen('A')
    await world.clock.flush()
    // The validation outlasts the margin (well within the request timeout), then fails transiently.
    await world.clock.advance(4 * STEP)
    world.gate.release('validate', 'transient')
    world.gate.resume('validate')
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
    world.gate.release('refresh')
    await world.clock.flush()
    const step = refreshingStep(world)
    if (step !== 'backingOff') {
      world.violate(`a token due on arrival left tab A in ${step ?? statusOf(world.tabs.A)}, not backing off`)
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
    world.releaseOffline('refresh')
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
  'page.wakesWhileBackingOff': async (world) => {
    // The request in flight when the network dropped fails; tab A backs off with its token due.
    world.releaseOffline('refresh')
    await world.clock.flush()
    // What authchart/vanilla's bindBrowserEvents says when the page becomes visible: no event
    // cuts a backoff short.
    world.tabs.A.client.notify('visible')
    if (refreshingStep(world) !== 'backingOff') world.violate('a visible page cut the backoff short')
    // The device slept past the backoff (its timer has not fired yet): waking retries at once.
    world.clock.jump(world.maxDelay + STEP)
    world.tabs.A.client.notify('wake')
    if (refreshingStep(world) !== 'requesting') world.violate('waking after the backoff ran out did not retry at once')
    // Still offline: the retry fails too, and the session stays (I5).
    world.releaseOffline('refresh')
    await world.clock.flush()
    if (world.tabs.A.client.getSnapshot().session === null)
      world.violate('a failed retry on waking dropped the session')
  },
  'page.reloadsWithTokenlessSessionComingDue': async (world) => {
    const now = Math.floor(world.clock.now() / 1000)
    await reloadBothWith(world, tokenlessSession(now, now + 3_600))
    const before = world.refreshCallCount()
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null) return world.violate('a valid tokenless stored session was not restored')
    // Asked to refresh while the token is good: the call fails, the session stays.
    const early = track(world.tabs.A.client.refresh({ force: true }))
    await world.clock.flush()
    if (!early.settled || !('error' in early)) world.violate('refresh() without a refresh token did not fail')
    if (statusOf(world.tabs.A) !== 'authenticated')
      world.violate('refresh() without a refresh token ended a valid session')
    await world.clock.advance(session.expiresAt - world.windowOf(session) + STEP - world.clock.now())
    await expectEnded(world, 'no_refresh_token', 'a due session with no refresh token')
    if (world.refreshCallCount() !== before) world.violate('a refresh was sent without a refresh token')
  },
  'tabA.refreshesAgainDuringBackoff': async (world) => {
    const { client } = world.tabs.A
    const first = track(client.refresh({ force: true }))
    await world.clock.flush()
    if (!first.settled || !('error' in first)) world.violate('an offline forced refresh did not fail')
    // The second call starts no request before the first one's backoff runs out.
    const second = track(client.refresh({ force: true }))
    await world.clock.flush()
    if (refreshingStep(world) !== 'backingOff') {
      world.violate(`a refresh() right after a failed one went to ${String(refreshingStep(world))}, not backingOff`)
    }
    for (let waited = 0; !second.settled && waited <= world.maxDelay + 2 * STEP; waited += STEP) {
      await world.clock.advance(STEP)
    }
    if (!second.settled) world.violate('a refresh() waiting out a backoff never settled')
    if (client.getSnapshot().session === null) world.violate('a failed retry dropped the session')
  },
  'tabA.secondClaimsCallerTimesOut': async (world) => {
    const { client } = world.tabs.A
    const never = () => false
    const patient = track(client.refresh({ force: true, until: never, timeoutMs: 3 * STEP }))
    await world.clock.flush()
    world.gate.release('refresh')
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
} satisfies Partial<Record<AuthEnvironmentEvent['type'], Step>>
