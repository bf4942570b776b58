import {
  AdapterError,
  InvalidOptionsError,
  InvalidSessionError,
  NotAuthenticatedError,
  type Session,
  type SessionExpiredError,
} from 'authchart'
import { classifyClerkError, createClerkAdapter } from 'authchart/clerk'
import { createFakeClock, FAKE_EPOCH } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { createFakeClerk, FakeClerkAPIResponseError, FakeClerkRuntimeError } from './fakeClerk.js'
import { restored, setupClerkClient } from './setupClerkClient.js'
import { heldSession } from '../../fixtures/heldSession.js'

const MINUTE = 60_000

describe('restore reads Clerk’s session', () => {
  it('starts authenticated from Clerk’s current session, with one fresh token', async () => {
    const { auth, fake, sinks } = await restored()
    expect(auth.getSnapshot().user).toEqual({ id: 'user_1', email: 'user_1@example.com' })
    expect(fake.calls.mint).toBe(1) // the listener's first call and the restore share it
    expect(sinks).toEqual([null, heldSession(auth)?.accessToken])
  })

  it('waits for Clerk to finish loading instead of reading "not loaded" as signed out', async () => {
    const { clock, fake, auth } = setupClerkClient({ fake: { loaded: false } })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('restoring')
    fake.load()
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('starts unauthenticated, with no error, when Clerk has no session', async () => {
    const { clock, auth } = setupClerkClient({ fake: { userId: null } })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().error).toBeNull()
  })
})

describe('expiry of Clerk’s tokens', () => {
  it('a token Clerk serves from its cache keeps its real expiry, not a full lifetime from arrival', async () => {
    const { clock, fake, auth } = await restored()
    const session = fake.session
    if (!session) throw new Error('signed in')
    await clock.advance(10_000)
    const cached = await session.getToken({ skipCache: true }) // e.g. another part of the app
    await clock.advance(20_100) // the chart's token is due (30 s margin of a 60 s token)
    expect(heldSession(auth)?.accessToken).toBe(cached)
    expect(auth.getSnapshot().session?.expiresAt).toBe(FAKE_EPOCH + 70_000)
    await clock.advance(10_000) // and that one is due 30 s before its own expiry
    expect(heldSession(auth)?.accessToken).not.toBe(cached)
    expect(auth.getSnapshot().error).toBeNull()
  })

  it('the chart’s due refresh gets a new token although Clerk would still serve the old one', async () => {
    const { clock, auth, fake } = await restored()
    const first = heldSession(auth)?.accessToken
    await clock.advance(30_100)
    expect(heldSession(auth)?.accessToken).not.toBe(first)
    expect(auth.getSnapshot().error).toBeNull()
    expect(fake.calls.mint).toBe(2)
  })

  it('a device clock an hour off Clerk’s neither makes tokens look expired nor refreshes in a loop', async () => {
    const { clock, auth, fake } = await restored({ fake: { serverClockOffsetMs: -60 * MINUTE } })
    await clock.advance(5 * MINUTE)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(auth.getSnapshot().error).toBeNull()
    expect(fake.calls.mint).toBeLessThanOrEqual(12) // one every 30 s
    await expect(auth.getToken()).resolves.toBe(heldSession(auth)?.accessToken)
  })
})

describe('the client’s clock', () => {
  it('Clerk’s expiry is placed on the client’s clock, for a restored session and one Clerk pushes', async () => {
    // Clerk runs on the machine's clock; the client's is ten years ahead of it.
    const TEN_YEARS = 10 * 365 * 24 * 60 * MINUTE
    const { clock, auth, fake } = await restored({
      start: Date.now() + TEN_YEARS,
      fake: { serverClockOffsetMs: -TEN_YEARS },
    })
    expect(auth.getSnapshot().session?.expiresAt).toBe(clock.now() + MINUTE)
    await clock.advance(10_000)
    fake.signInAs('user_2') // through Clerk's components: reaches the chart by `subscribe`
    await clock.flush()
    expect(auth.getSnapshot().user?.id).toBe('user_2')
    expect(auth.getSnapshot().session?.expiresAt).toBe(clock.now() + MINUTE)
    expect(auth.getSnapshot().error).toBeNull()
  })

  it('a leftover clock option is an InvalidOptionsError that names the replacement', () => {
    const fake = createFakeClerk({ clock: createFakeClock() })
    const options = { clock: { now: () => Date.now() } } as never
    expect(() => createClerkAdapter(fake.clerk, options)).toThrow(InvalidOptionsError)
    expect(() => createClerkAdapter(fake.clerk, options)).toThrow(/clock was removed.*pass clock to createAuthClient/)
  })
})

describe('failures are classified', () => {
  it('Clerk’s 401 on a refresh ends the session as expired', async () => {
    const { clock, auth, fake, sinks } = await restored()
    fake.failNext('mint', 401)
    await clock.advance(30_100)
    expect(auth.getSnapshot().status).toBe('expired')
    expect((auth.getSnapshot().error as SessionExpiredError).reason).toBe('refresh_rejected')
    expect(sinks.at(-1)).toBeNull()
  })

  it('a network failure or a 503 never signs out; the retry gets a token', async () => {
    const { clock, auth, fake } = await restored()
    fake.failNext('mint', 'network', 503)
    await clock.advance(30_100)
    expect(auth.getSnapshot().error?.kind).toBe('transient')
    expect(auth.getSnapshot().status).toBe('refreshing')
    await clock.advance(5_000)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(auth.getSnapshot().error).toBeNull()
  })

  it('a 429 is transient and keeps Clerk’s retryAfter as the backoff floor', async () => {
    const { clock, auth, fake } = await restored()
    fake.failNext('mint', 429)
    await clock.advance(30_100)
    const error = auth.getSnapshot().error
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).retryAfterMs).toBe(2_000)
  })

  it('Clerk returning no token (the session ended) is a rejection', async () => {
    const { clock, auth, fake } = await restored()
    fake.answerNext(null)
    await clock.advance(30_100)
    expect(auth.getSnapshot().status).toBe('expired')
  })

  it('classifyClerkError reads Clerk’s error shapes', () => {
    expect(classifyClerkError(new FakeClerkAPIResponseError(401, 'authentication_invalid'))).toBe('rejected')
    expect(classifyClerkError({ clerkError: true, status: 401, errors: [] })).toBe('rejected')
    expect(classifyClerkError(new FakeClerkAPIResponseError(403, 'forbidden'))).toBe('rejected')
    expect(classifyClerkError(new FakeClerkAPIResponseError(422, 'session_ended'))).toEqual({
      kind: 'rejected',
      reason: 'family_revoked',
    })
    expect(classifyClerkError(new FakeClerkAPIResponseError(429, 'too_many_requests'))).toBe('transient')
    expect(classifyClerkError(new FakeClerkAPIResponseError(500, 'server_error'))).toBe('transient')
    expect(classifyClerkError(new FakeClerkRuntimeError('offline'))).toBe('transient')
    expect(classifyClerkError(new TypeError('fetch failed'))).toBe('transient')
    expect(classifyClerkError('weird')).toBe('transient')
  })
})

describe('what crosses the boundary is parsed', () => {
  it('a getToken() answer that is not a JWT is an InvalidSessionError, and the value stays out of it', async () => {
    const { clock, auth, fake } = await restored()
    fake.answerNext('not-a-jwt')
    await clock.advance(30_100)
    const error = auth.getSnapshot().error
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect(error?.message).not.toContain('not-a-jwt')
    expect(auth.getSnapshot().status).not.toBe('expired') // bad data is not Clerk saying no
    await clock.advance(5_000)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('a token without exp/iat, or a non-string, is rejected as invalid', async () => {
    const clock = createFakeClock()
    const fake = createFakeClerk({ clock })
    const adapter = createClerkAdapter(fake.clerk)
    const ctx = { signal: new AbortController().signal, now: () => clock.now() }
    fake.answerNext(42)
    await expect(adapter.restore?.(ctx)).rejects.toBeInstanceOf(InvalidSessionError)
    fake.answerNext(`e30.${Buffer.from('{"sub":"user_1"}').toString('base64url')}.`)
    await expect(adapter.restore?.(ctx)).rejects.toThrow('iat/exp')
  })

  it('a Clerk session without a user id is an InvalidSessionError naming the field', async () => {
    const { clock, auth, fake } = setupClerkClient()
    if (fake.session) fake.session.user.id = ''
    await clock.flush()
    const error = auth.getSnapshot().error
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as InvalidSessionError).field).toBe('user.id')
  })

  it('bad options and a non-Clerk object are InvalidOptionsError', () => {
    const clock = createFakeClock()
    const { clerk } = createFakeClerk({ clock })
    expect(() => createClerkAdapter(clerk, { template: '' })).toThrow(InvalidOptionsError)
    expect(() => createClerkAdapter({} as never)).toThrow(InvalidOptionsError)
  })
})

describe('sign-in, sign-out and abort', () => {
  it('auth.signOut() signs out of Clerk (this session) and the sinks get null', async () => {
    const { clock, auth, fake, sinks } = await restored()
    const sessionId = fake.session?.id
    await auth.signOut()
    await clock.flush()
    expect(fake.calls.signOut).toBe(1)
    expect(fake.session).toBeNull()
    expect(sessionId).toBeDefined()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(sinks.at(-1)).toBeNull()
  })

  it('auth.signIn() adopts Clerk’s session, or runs a Clerk sign-in first; with none it is rejected', async () => {
    const { clock, auth, fake } = setupClerkClient({ fake: { userId: null } })
    await clock.flush()
    const none = auth.signIn(undefined)
    await expect(none).rejects.toBeInstanceOf(AdapterError)
    await expect(none).rejects.toMatchObject({ kind: 'rejected' })
    const session = await auth.signIn(async () => {
      fake.signInAs('user_3') // in an app: clerk.client.signIn.create(...) then clerk.setActive(...)
    })
    expect(session.user.id).toBe('user_3')
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('honours the AbortSignal: a refresh in flight is abandoned at once', async () => {
    const clock = createFakeClock()
    const fake = createFakeClerk({ clock, latencyMs: 5_000 })
    const adapter = createClerkAdapter(fake.clerk)
    const controller = new AbortController()
    const refresh = adapter.refresh({} as Session, { signal: controller.signal, now: () => clock.now(), force: true })
    const outcome = refresh.then(
      () => 'resolved',
      (error: unknown) => error,
    )
    await clock.advance(10)
    controller.abort(new NotAuthenticatedError('signed out'))
    const result = await Promise.race([outcome, clock.flush().then(() => 'still pending')])
    expect(result).toBeInstanceOf(NotAuthenticatedError)
    expect(clock.now()).toBe(FAKE_EPOCH + 10)
    await clock.advance(10_000) // the reload Clerk could not cancel settles later, harmlessly
  })
})
