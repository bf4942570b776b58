import { AuthError, SessionExpiredError } from '../errors.js'
import { type AuthWorld, credentials, STEP, type Tab } from './createAuthWorld.js'

// Small pieces the steps of the model share: tracking a call, nudging the gated server, and
// putting a session in the store as another SDK would have left it.
export type Outcome<T> = { settled: false } | { settled: true; value?: T; error?: unknown }

export function track<T>(promise: Promise<T>, onValue?: (value: T) => void): Outcome<T> & { settled: boolean } {
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

export const statusOf = (tab: Tab) => tab.client.getSnapshot().status

/** Tab A's step inside `refreshing` (`requesting`, `backingOff`, …), or undefined outside it. */
export const refreshingStep = (world: AuthWorld) =>
  (world.tabs.A.client.actor.getSnapshot().value as { session: { refreshing?: string } }).session.refreshing

export async function getToken(world: AuthWorld, tab: Tab) {
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

export async function releaseUntil(world: AuthWorld, done: () => boolean, rounds: number) {
  for (let i = 0; i < rounds && !done(); i++) {
    if (world.net.down) world.releaseOffline('refresh')
    else world.gate.release('refresh')
    await world.clock.advance(STEP)
  }
}

/** A stored session as an SDK without refresh tokens leaves it: a JWT and no refresh token. */
export function tokenlessSession(iat: number, exp: number) {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const user = { id: `user-${credentials.email}`, email: credentials.email }
  const accessToken = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: user.id, email: user.email, iat, exp })}.`
  return { v: 1, accessToken, expiresAt: exp * 1000, user, refreshTokenAt: null }
}

// Both tabs reload onto the stored session, so neither keeps an older one in memory.
export async function reloadBothWith(world: AuthWorld, stored: { accessToken: string }) {
  world.secrets.add(stored.accessToken)
  world.planted.add(stored.accessToken)
  await world.profile.storage.setItem(world.storageKey, JSON.stringify(stored))
  world.reopen('A')
  world.reopen('B')
  await world.start()
}

// I5 and I7 for a session that cannot be saved: expired with its reason, and no longer stored.
export async function expectEnded(world: AuthWorld, reason: string, what: string) {
  const { status, error } = world.tabs.A.client.getSnapshot()
  if (status !== 'expired' || !(error instanceof SessionExpiredError) || error.reason !== reason) {
    world.violate(`I5: ${what} left tab A ${status} with ${String(error)}, not expired (${reason})`)
  }
  if ((await world.profile.storage.getItem(world.storageKey)) !== null) world.violate(`I7: ${what} stayed stored`)
}
