// Tests written after a mutation pass showed these guarantees were not pinned down by the rest
// of the suite (docs/architecture.md, "Mutations tried").
import {
  type AuthAdapter,
  createAuthClient,
  createMemoryStorage,
  RequestTimeoutError,
  type Session,
  StorageError,
} from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeCredentials } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE, setupClient, signedIn, createBreakableStorage } from '../fixtures/setupClient.js'
import { chartActor, heldSession } from '../fixtures/heldSession.js'
import { rejected, settle } from '../fixtures/settle.js'

describe('guarantees found unpinned by mutation', () => {
  it('sinks hold the refreshed token before an event listener hears about the refresh', async () => {
    const { storage, break: breakStorage } = createBreakableStorage()
    const { auth, clock } = await signedIn({ storage })
    let sinkToken: string | null = null
    auth.addTokenSink((token) => {
      sinkToken = token
    })
    const seen: Array<{ sink: string | null; state: string | null }> = []
    auth.on('error', ({ error }) => {
      if (error instanceof StorageError) seen.push({ sink: sinkToken, state: heldSession(auth)?.accessToken ?? null })
    })
    const held = heldSession(auth)?.accessToken
    breakStorage() // the refresh succeeds and its storage write fails: an `error` event in the same step
    await clock.advance(HOUR)
    expect(heldSession(auth)?.accessToken).not.toBe(held)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.sink).toBe(seen[0]?.state)
  })

  it('a refresh that succeeds after signOut aborted it never writes its session to storage', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    let release: (() => void) | undefined
    const adapter: AuthAdapter<FakeCredentials> = {
      ...fake,
      refresh: (session: Session, ctx) => {
        // The server has already issued the new session; only the answer is late.
        const answer = fake.refresh(session, { ...ctx, signal: new AbortController().signal })
        return new Promise<void>((resolve) => {
          release = resolve
        }).then(() => answer)
      },
    }
    const storage = createMemoryStorage()
    const auth = createAuthClient({ adapter, clock, storage }).start()
    await clock.flush()
    await auth.signIn(credentials)
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().status).toBe('refreshing')
    await auth.signOut()
    release?.()
    await clock.advance(1_000)
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(storage.getItem('authchart.session')).toBeNull()
  })

  it('a session adopted from another tab that is already due is refreshed at once, not at the old check step', async () => {
    // margin 2 h: a 1 h token is refreshed at half its life; a long-lived token 2 h before expiry
    const { auth, clock, adapter } = await signedIn({ client: { refreshMargin: 2 * HOUR } })
    const held = heldSession(auth) as Session
    const iat = held.claims.iat as number
    const adopted: Session = {
      ...held,
      accessToken: `${held.accessToken}x`,
      expiresAt: held.expiresAt + 1_000, // newer...
      claims: { ...held.claims, iat: iat - 10 * 3_600 }, // ...but long-lived, so with a 2 h margin: due now
    }
    chartActor(auth).send({ type: 'tab.sessionChanged', session: adopted, refreshTokenAt: null })
    expect(heldSession(auth)?.accessToken).toBe(adopted.accessToken)
    await clock.advance(0)
    expect(adapter.calls.refresh).toBe(1)
  })

  it('a reload after a refresh restores the rotated refresh token, never the spent one', async () => {
    const first = await signedIn()
    const spent = heldSession(first.auth)?.refreshToken
    await first.clock.advance(HOUR)
    const rotated = heldSession(first.auth)?.refreshToken
    expect(rotated).not.toBe(spent)
    first.auth.stop()
    const reloaded = createAuthClient({ adapter: first.adapter, clock: first.clock, storage: first.storage }).start()
    await first.clock.flush()
    expect(heldSession(reloaded)?.refreshToken).toBe(rotated)
    await first.clock.advance(HOUR)
    expect(reloaded.getSnapshot().status).toBe('authenticated') // a spent token would be reuse: expired
  })

  it('a plain refresh() that outlives its timeoutMs rejects with RequestTimeoutError; the late result is still adopted', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { refresh: 5_000 } } })
    const outcome = settle(auth.refresh({ force: true, timeoutMs: 1_000 }))
    await clock.advance(999)
    expect(outcome.status).toBe('pending')
    await clock.advance(1)
    expect(rejected(outcome)).toBeInstanceOf(RequestTimeoutError)
    const before = heldSession(auth)?.accessToken
    await clock.advance(4_000)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(heldSession(auth)?.accessToken).not.toBe(before)
  })

  it('the fake clock refuses a non-finite delay instead of looping', () => {
    const { clock } = setupClient()
    expect(() => clock.setTimeout(() => undefined, Number.NaN)).toThrow(RangeError)
  })
})
