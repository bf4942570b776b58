// Seed 003 replayed: after the app creates an organisation and sets `publicMetadata.activeOrgId`,
// the redirect to /dashboard must carry a token with it, or the middleware bounces the user.
import { ClaimsTimeoutError } from 'authchart'
import type { FakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { decodePayload } from './fakeClerk.js'
import { restored } from './setupClerkClient.js'
import { heldSession } from '../../fixtures/heldSession.js'

const ORG = 'org_123'
const hasOrg = (claims: Record<string, unknown>) =>
  (claims.metadata as { activeOrgId?: unknown } | undefined)?.activeOrgId === ORG

// Fails at once, instead of at the test timeout, when the behaviour under test is broken.
async function settled<T>(promise: Promise<T>, clock: FakeClock): Promise<T> {
  const pending = Symbol('pending')
  const result = await Promise.race([promise, clock.flush().then(() => pending)])
  if (result === pending) throw new Error('refresh({ until }) is still pending')
  return result as T
}

// The seed's Next.js middleware: `sessionClaims.metadata.activeOrgId` or back to onboarding.
function middleware(token: string | null): '/dashboard' | '/onboarding' {
  return token !== null && hasOrg(decodePayload(token)) ? '/dashboard' : '/onboarding'
}

describe('seed 003: fresh claims after creating an organisation', () => {
  it('the naive redirect sends Clerk’s cached token, which lacks activeOrgId: back to onboarding', async () => {
    const { clock, fake } = await restored({ fake: { propagationDelayMs: 300 } })
    const session = fake.session
    if (!session) throw new Error('signed in')
    await session.getToken() // the onboarding page loads; Clerk caches the token
    await clock.advance(5_000) // the user fills in the form
    fake.backend.updateUserMetadata({ activeOrgId: ORG }) // POST /api/organizations/create answers 201
    await clock.advance(1_500) // setTimeout(() => { location.href = '/dashboard' }, 1500)
    expect(middleware(await session.getToken())).toBe('/onboarding')
    // The organisation exists and the metadata has propagated: only the cache is stale.
    expect(middleware(await session.getToken({ skipCache: true }))).toBe('/dashboard')
  })

  it('the seed’s fix, session.reload() and a 500 ms sleep, is a race: slower propagation still bounces', async () => {
    const { clock, fake } = await restored({ fake: { propagationDelayMs: 800 } })
    const session = fake.session
    if (!session) throw new Error('signed in')
    fake.backend.updateUserMetadata({ activeOrgId: ORG })
    await session.reload()
    await clock.advance(500)
    expect(middleware(await session.getToken())).toBe('/onboarding')
  })

  it('auth.refresh({ force, until }) resolves with a token carrying activeOrgId; the redirect gets in', async () => {
    const { clock, fake, auth, sinks } = await restored({ fake: { latencyMs: 40 } })
    fake.backend.updateUserMetadata({ activeOrgId: ORG })
    const pending = auth.refresh({ force: true, until: (c) => hasOrg(c), description: 'activeOrgId is set' })
    await clock.advance(100)
    const session = await settled(pending, clock)
    expect(hasOrg(session.claims)).toBe(true)
    expect(middleware(await auth.getToken())).toBe('/dashboard')
    expect(sinks.at(-1)).toBe(await auth.getToken())
    expect(middleware(sinks.at(-1) ?? null)).toBe('/dashboard')
    expect(fake.calls.reload).toBe(1)
  })

  it('with the RLS template, keeps asking with backoff while propagation takes several attempts', async () => {
    const { clock, fake, auth, sinks } = await restored({
      fake: { propagationDelayMs: 1_200, latencyMs: 40 },
      adapter: { template: 'supabase' },
    })
    const mintsBefore = fake.calls.mint
    fake.backend.updateUserMetadata({ activeOrgId: ORG })
    let done = false
    const pending = auth
      .refresh({ force: true, until: (c) => hasOrg(c), description: 'activeOrgId is set' })
      .finally(() => {
        done = true
      })
    await clock.advance(1_000)
    expect(done).toBe(false) // not there yet; no fixed sleep decides for us
    await clock.advance(2_000)
    const session = await settled(pending, clock)
    expect(fake.calls.mint - mintsBefore).toBeGreaterThanOrEqual(3)
    expect(fake.calls.mint - mintsBefore).toBeLessThanOrEqual(5) // backoff, not a hot loop
    expect(session.claims.role).toBe('authenticated')
    expect(hasOrg(auth.getSnapshot().claims ?? {})).toBe(true)
    expect(middleware(await auth.getToken())).toBe('/dashboard')
    // Supabase's client gets the RLS token with the org
    expect(sinks.at(-1)).toBe(await auth.getToken())
    expect(middleware(sinks.at(-1) ?? null)).toBe('/dashboard')
  })

  it('when the claims never arrive: ClaimsTimeoutError naming the description, the valid session kept', async () => {
    const { clock, fake, auth, sinks } = await restored({ fake: { latencyMs: 40 } })
    const user = auth.getSnapshot().user
    const outcome = auth
      .refresh({ force: true, until: (c) => hasOrg(c), timeoutMs: 3_000, description: 'activeOrgId is org_123' })
      .then(
        () => 'resolved',
        (error: unknown) => error,
      )
    await clock.advance(3_000)
    const error = await outcome
    expect(error).toBeInstanceOf(ClaimsTimeoutError)
    expect((error as Error).message).toContain('activeOrgId is org_123')
    const snapshot = auth.getSnapshot()
    expect(snapshot.status).toBe('authenticated')
    expect(snapshot.user).toEqual(user)
    expect(snapshot.session?.expiresAt).toBeGreaterThan(clock.now())
    const held = heldSession(auth)?.accessToken
    expect(held).toEqual(expect.any(String))
    await expect(auth.getToken()).resolves.toBe(held)
    expect(sinks.at(-1)).toBe(held)
    const mints = fake.calls.mint
    await clock.advance(10_000)
    expect(fake.calls.mint).toBe(mints) // nobody waits any more: no more forced requests
  })

  it('reloads the session before a forced token, so a server-side organisation change reaches it', async () => {
    // The session token takes its org from the session resource, which only a reload updates.
    const { clock, fake, auth } = await restored({ fake: { latencyMs: 40 } })
    fake.backend.setActiveOrganization(ORG)
    const pending = auth.refresh({ force: true, until: (c) => c.org_id === ORG, timeoutMs: 3_000 })
    const outcome = pending.then(
      (session) => session.claims.org_id,
      (error: unknown) => error,
    )
    await clock.advance(3_000)
    expect(await outcome).toBe(ORG)
  })
})
