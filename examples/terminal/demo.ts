/**
 * `npm run demo`: a session's life on the fake adapter, on fake time, printed transition by
 * transition. Nothing to configure; it takes a second of wall time for twenty minutes of session.
 *
 * Tokens are shown as `token#N`, never their text: the demo follows the same rule as the logger.
 */
import { type AuthError, createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'

const clock = createFakeClock()
const start = clock.now()
const adapter = createFakeAdapter({ clock, accessTokenTtl: 5 * 60_000, latency: { signIn: 300, refresh: 200 } })
const auth = createAuthClient({
  adapter,
  clock,
  storage: createMemoryStorage(),
  refreshMargin: 30_000,
  random: () => 0.5,
})

const names = new Map<string, string>()
const nameOf = (token: string | null) => {
  if (token === null) return 'null'
  if (!names.has(token)) names.set(token, `token#${names.size + 1}`)
  return names.get(token) as string
}
const stamp = () => {
  const ms = clock.now() - start
  const m = Math.floor(ms / 60_000)
  const s = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0')
  return `[+${String(m).padStart(2, '0')}:${s}]`
}
const say = (text: string) => console.log(`${stamp()} ${text}`)
const step = (title: string) => console.log(`\n── ${title}`)
const describe = (error: AuthError | null) => (error ? ` (${error.code}: ${error.message})` : '')

let lastState = ''
let lastError: AuthError | null = null
// A state value as a dotted path: `refreshing.backingOff`.
const pathOf = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Object.entries(value as Record<string, unknown>)
        .map(([parent, child]) => `${parent}.${pathOf(child)}`)
        .join()
auth.actor.subscribe(({ value }) => {
  // The chart's two regions: the session (the public status) and the network.
  const { session, network } = value as { session: unknown; network: string }
  const state = `${pathOf(session)}${network === 'offline' ? ' (offline)' : ''}`
  if (state === lastState) return
  // An error is printed when it appears, not again on every later step that still carries it.
  const current = auth.getSnapshot().error
  const error = current === lastError ? null : current
  say(`${lastState || '(start)'} → ${state}${describe(error)}`)
  lastState = state
  lastError = current
})
auth.addTokenSink((token) => say(`  sink ← ${nameOf(token)}`))
auth.on('refreshRejected', ({ error, tokenAge }) =>
  say(
    `  event refreshRejected (${error.reason}${error.suspectedStoreLoss ? ', suspected server store loss' : ''}): ` +
      `refresh token was ${Math.round((tokenAge ?? 0) / 1000)} s old`,
  ),
)

step('start: nothing stored')
auth.start()
await clock.advance(0)

step('sign in (300 ms round trip)')
const signingIn = auth.signIn({ email: 'ada@example.com', password: 'secret' })
await clock.advance(300)
await signingIn
say(`  getToken() → ${nameOf(await auth.getToken())}`)

step('the token lives 5 min; the chart refreshes it 30 s before expiry')
await clock.advance(4.5 * 60_000 + 200)
say(`  getToken() → ${nameOf(await auth.getToken())}`)

step('the network drops for two attempts: backoff, the user stays signed in')
adapter.enqueue('refresh', 'transient', 'transient')
await clock.advance(4.5 * 60_000 + 200)
say(`  getToken() during the outage → ${nameOf(await auth.getToken())} (the held token, still valid)`)
await clock.advance(3_000)

step('fresh claims: the org is created server-side; wait for a token that carries it')
adapter.enqueue('refresh', 'ok', { claims: { activeOrgId: 'org-42' } })
const fresh = auth.refresh({ force: true, until: (c) => c.activeOrgId === 'org-42', description: 'activeOrgId' })
await clock.advance(1_000)
say(`  refresh({ until }) → ${nameOf(await auth.getToken())} with activeOrgId=${(await fresh).claims.activeOrgId}`)

step('the server restarts and has lost its in-memory refresh tokens: the session ends, with the reason')
adapter.forgetRefreshTokens()
await clock.advance(5 * 60_000)
await auth.getToken().catch((error: AuthError) => say(`  getToken() rejects: ${error.name}`))

step('sign in again, then sign out')
const again = auth.signIn({ email: 'ada@example.com', password: 'secret' })
await clock.advance(300)
await again
await auth.signOut()
await clock.advance(0)
say(
  `  refresh requests sent: ${adapter.calls.refresh}, each refresh token once: ${
    new Set(adapter.refreshTokensSent).size === adapter.refreshTokensSent.length
  }`,
)
auth.stop()
