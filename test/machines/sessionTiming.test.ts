// When a session is due, past expiry, or newer than the one held (machines/sessionTiming.ts),
// pinned through the client at the boundaries a mutation run found unpinned (docs/mutation.md).
import { createAuthClient, createMemoryStorage, type Session } from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeOutcome } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { chartActor, heldSession } from '../fixtures/heldSession.js'
import { credentials, HOUR, MINUTE, signedIn } from '../fixtures/setupClient.js'

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: Record<string, unknown>) => `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`

/** A client signed in with a sign-in answer the test writes: its own claims and expiry. */
async function signedInWith(response: Record<string, unknown>) {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  const storage = createMemoryStorage()
  const auth = createAuthClient({ adapter, clock, storage, tabs: false, random: () => 0.5 }).start()
  await clock.flush()
  adapter.enqueue('signIn', { response } as FakeOutcome)
  await auth.signIn(credentials)
  return { clock, adapter, storage, auth }
}

const seconds = (ms: number) => Math.floor(ms / 1000)

describe('the refresh margin', () => {
  it('a token that lives shorter than twice the margin is refreshed at half its life, not on arrival', async () => {
    // a 60 s token and the default 60 s margin: due after 30 s
    const { auth, clock, adapter } = await signedIn({ adapter: { accessTokenTtl: MINUTE } })
    const first = await auth.getToken()
    await clock.advance(29_000)
    expect(adapter.calls.refresh).toBe(0)
    expect(auth.getSnapshot().status).toBe('authenticated')
    await expect(auth.getToken()).resolves.toBe(first)
    await clock.advance(1_000)
    expect(adapter.calls.refresh).toBe(1)
    expect(auth.getSnapshot().error).toBeNull()
  })

  it.each([
    ['no iat claim', (now: number) => ({ sub: 'u1', exp: seconds(now + HOUR) })],
    ['no exp claim (the expiry comes from expiresAt)', (now: number) => ({ sub: 'u1', iat: seconds(now) })],
    ['exp equal to iat', (now: number) => ({ sub: 'u1', iat: seconds(now), exp: seconds(now) })],
  ])('claims that give no lifetime (%s) use the configured margin', async (_, claims) => {
    const now = createFakeClock().now()
    const { auth, clock, adapter } = await signedInWith({
      accessToken: jwt(claims(now)),
      refreshToken: 'rt-1',
      expiresAt: now + HOUR,
    })
    await clock.advance(HOUR - MINUTE - 1_000)
    expect(adapter.calls.refresh).toBe(0)
    expect(auth.getSnapshot().status).toBe('authenticated')
    await clock.advance(1_000)
    expect(adapter.calls.refresh).toBe(1)
  })
  it('with an ID token, the lifetime runs from its iat to expiresAt: a 60 s token is refreshed after 30 s', async () => {
    const now = createFakeClock().now()
    const { auth, clock, adapter } = await signedInWith({
      accessToken: 'opaque-access-token',
      // the ID token's own exp says an hour; the access token lives a minute
      idToken: jwt({ sub: 'u1', iat: seconds(now), exp: seconds(now + HOUR) }),
      refreshToken: 'rt-1',
      expiresAt: now + MINUTE,
    })
    await clock.advance(29_000)
    expect(adapter.calls.refresh).toBe(0)
    expect(auth.getSnapshot().status).toBe('authenticated')
    await clock.advance(1_000)
    expect(adapter.calls.refresh).toBe(1)
  })
})

describe('expiry', () => {
  it('a stored session without a refresh token, restored at the very millisecond it expires, ends expired without a request', async () => {
    const now = createFakeClock().now()
    const { clock, adapter, storage, auth } = await signedInWith({
      accessToken: jwt({ sub: 'u1', iat: seconds(now), exp: seconds(now + HOUR) }),
      expiresAt: now + HOUR,
    })
    auth.stop()
    clock.jump(HOUR)
    const reloaded = createAuthClient({ adapter, clock, storage, tabs: false }).start()
    await clock.flush()
    expect(reloaded.getSnapshot().status).toBe('expired')
    expect(reloaded.getSnapshot().error?.code).toBe('session_expired')
    expect(adapter.calls.validate).toBe(0)
    expect(adapter.calls.refresh).toBe(0)
  })
})

describe('which of two sessions is newer (a stale broadcast must not win)', () => {
  async function held() {
    const env = await signedIn()
    const session = heldSession(env.auth) as Session
    const offer = (changes: Partial<Session>) => {
      const next: Session = { ...session, accessToken: `${session.accessToken}x`, ...changes }
      chartActor(env.auth).send({ type: 'tab.sessionChanged', session: next, refreshTokenAt: null, origin: 'tab' })
      return heldSession(env.auth)
    }
    return { ...env, session, offer, iat: session.claims.iat as number }
  }

  it('with the same expiry, a token issued later wins', async () => {
    const { session, offer, iat } = await held()
    const adopted = offer({ claims: { ...session.claims, iat: iat + 1 } })
    expect(adopted?.accessToken).toBe(`${session.accessToken}x`)
  })

  it('with the same expiry, a token issued earlier or in the same second loses', async () => {
    const { session, offer, iat } = await held()
    expect(offer({ claims: { ...session.claims, iat: iat - 1 } })?.accessToken).toBe(session.accessToken)
    expect(offer({ claims: { ...session.claims, iat } })?.accessToken).toBe(session.accessToken)
  })

  it('the token already held is not a newer session, whatever expiry a broadcast gives it', async () => {
    const { auth, session } = await held()
    const again: Session = { ...session, expiresAt: session.expiresAt + HOUR }
    chartActor(auth).send({ type: 'tab.sessionChanged', session: again, refreshTokenAt: null, origin: 'tab' })
    expect(heldSession(auth)?.expiresAt).toBe(session.expiresAt)
  })
})
