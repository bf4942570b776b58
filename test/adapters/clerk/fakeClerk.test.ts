// The fake must behave like Clerk where the adapter depends on it, and fit Clerk's published
// types: these assignments fail to compile (npm run typecheck) when @clerk/types drifts.
import type { Clerk, LoadedClerk, SessionResource, SignedInSessionResource } from '@clerk/types'
import { createAuthClient } from 'authchart'
import { type ClerkLike, type ClerkSessionLike, createClerkAdapter } from 'authchart/clerk'
import { createFakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { createFakeClerk, decodePayload, type FakeClerkSession } from './fakeClerk.js'

function signedInFake(options: { propagationDelayMs?: number } = {}) {
  const clock = createFakeClock()
  const fake = createFakeClerk({ clock, ...options })
  const session = fake.session
  if (!session) throw new Error('the fake starts signed in')
  return { clock, fake, session }
}

const metadataOf = (token: string | null) => (token === null ? undefined : decodePayload(token).metadata)

describe('the fake Clerk', () => {
  it('fits the adapter’s surface, which real Clerk objects fit too', () => {
    const realClerk = (clerk: Clerk): ClerkLike => clerk
    const loadedClerk = (clerk: LoadedClerk): ClerkLike => clerk
    const realSession = (session: SignedInSessionResource): ClerkSessionLike => session
    const fakeIsTyped = (session: FakeClerkSession): Pick<SessionResource, 'id' | 'status' | 'getToken'> => session
    // `auth.signIn()` needs no argument with Clerk: it adopts Clerk's session.
    const adopt = (clerk: LoadedClerk) => createAuthClient({ adapter: createClerkAdapter(clerk) }).signIn()
    const { fake } = signedInFake()
    const surface: ClerkLike = fake.clerk
    expect([realClerk, loadedClerk, realSession, fakeIsTyped, adopt]).toHaveLength(5)
    expect(surface.loaded).toBe(true)
  })

  it('getToken() returns the cached JWT until it is near expiry; skipCache mints a new one', async () => {
    const { clock, fake, session } = signedInFake()
    const first = await session.getToken()
    await clock.advance(40_000) // 20 s left: more than Clerk's 10 s leeway + 5 s
    expect(await session.getToken()).toBe(first)
    expect(await session.getToken({ skipCache: true })).not.toBe(first)
    const second = await session.getToken()
    await clock.advance(45_001) // 14.999 s left on the second one
    expect(await session.getToken()).not.toBe(second)
    expect(fake.calls.mint).toBe(3)
  })

  it('caches per template and organisation', async () => {
    const { fake, session } = signedInFake()
    const plain = await session.getToken()
    const supabase = await session.getToken({ template: 'supabase' })
    expect(supabase).not.toBe(plain)
    expect(await session.getToken({ template: 'supabase' })).toBe(supabase)
    await fake.setActiveOrganization('org_2')
    expect(await session.getToken()).not.toBe(plain)
  })

  it('a metadata change reaches tokens only after a reload() or a skipCache fetch, after the delay', async () => {
    const { clock, fake, session } = signedInFake({ propagationDelayMs: 700 })
    await session.getToken({ template: 'supabase' })
    await session.getToken()
    fake.backend.updateUserMetadata({ activeOrgId: 'org_1' })
    expect(metadataOf(await session.getToken({ skipCache: true }))).toEqual({}) // not propagated yet
    await clock.advance(700)
    expect(metadataOf(await session.getToken({ template: 'supabase' }))).toEqual({}) // cached
    expect(metadataOf(await session.getToken())).toEqual({}) // cached
    await session.reload()
    expect(session.user.publicMetadata).toEqual({ activeOrgId: 'org_1' })
    expect(metadataOf(await session.getToken())).toEqual({ activeOrgId: 'org_1' }) // re-hydrated
    expect(metadataOf(await session.getToken({ template: 'supabase' }))).toEqual({}) // still cached
    expect(metadataOf(await session.getToken({ template: 'supabase', skipCache: true }))).toEqual({
      activeOrgId: 'org_1',
    })
  })

  it('calls a new listener at once when loaded, and every listener on a change', async () => {
    const { fake } = signedInFake()
    const seen: Array<string | null | undefined> = []
    const unsubscribe = fake.clerk.addListener((emission) => {
      seen.push(emission.session === undefined ? undefined : (emission.session?.id ?? null))
    })
    fake.otherTabSignsOut()
    unsubscribe()
    fake.signInAs('user_2')
    expect(seen).toEqual([expect.stringMatching(/^sess_/), null])
  })
})
