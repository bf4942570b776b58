// The Clerk adapter's classify reads Clerk's answers into authchart's rejection reasons: a session
// ended on purpose (revoked, signed out, its user banned) is `family_revoked`; Clerk has no
// refresh tokens of its own, so it never answers `token_reused` or `refresh_token_unknown`.
import type { SessionExpiredError } from 'authchart'
import { classifyClerkError } from 'authchart/clerk'
import { describe, expect, it } from 'vitest'
import { FakeClerkAPIResponseError, FakeClerkRuntimeError } from './fakeClerk.js'
import { restored } from './setupClerkClient.js'

const revoked = { kind: 'rejected', reason: 'family_revoked' } as const

describe("classifyClerkError on Clerk's answers", () => {
  it.each([
    ['401 authentication_invalid', new FakeClerkAPIResponseError(401, 'authentication_invalid'), 'rejected'],
    ['403 user_banned', new FakeClerkAPIResponseError(403, 'user_banned'), revoked],
    ['403 user_deactivated', new FakeClerkAPIResponseError(403, 'user_deactivated'), revoked],
    [
      '404 resource_not_found (also a missing template)',
      new FakeClerkAPIResponseError(404, 'resource_not_found'),
      'rejected',
    ],
    ['404 session_not_found', new FakeClerkAPIResponseError(404, 'session_not_found'), revoked],
    ['422 session_ended', new FakeClerkAPIResponseError(422, 'session_ended'), revoked],
    ['400 session_revoked', new FakeClerkAPIResponseError(400, 'session_revoked'), revoked],
    ['a runtime signed_out', { code: 'signed_out', message: 'signed out' }, revoked],
    ['400 session_expired', new FakeClerkAPIResponseError(400, 'session_expired'), 'rejected'],
    ['429', new FakeClerkAPIResponseError(429, 'too_many_requests', 2), 'transient'],
    ['500', new FakeClerkAPIResponseError(500, 'server_error'), 'transient'],
    ['a 503 naming an ended session', new FakeClerkAPIResponseError(503, 'session_revoked'), 'transient'],
    ['offline', new FakeClerkRuntimeError('offline'), 'transient'],
  ])('%s', (_label, error, expected) => {
    expect(classifyClerkError(error)).toEqual(expected)
  })
})

describe('through the client', () => {
  it('a session revoked on Clerk’s servers ends in expired with reason family_revoked', async () => {
    const { clock, auth, fake } = await restored()
    fake.backend.revokeSession()
    await clock.advance(30_100)
    const snapshot = auth.getSnapshot()
    expect(snapshot.status).toBe('expired')
    expect((snapshot.error as SessionExpiredError).reason).toBe('family_revoked')
    expect(snapshot.error?.message).toMatch(/Clerk has no active session \(revoked\)/)
  })

  it('a banned user’s token request ends in expired with reason family_revoked', async () => {
    const { clock, auth, fake } = await restored()
    fake.failNext('mint', { status: 403, code: 'user_banned' })
    await clock.advance(30_100)
    expect((auth.getSnapshot().error as SessionExpiredError).reason).toBe('family_revoked')
  })

  it('a plain 401 from Clerk ends in expired with no reason beyond refresh_rejected', async () => {
    const { clock, auth, fake } = await restored()
    fake.failNext('mint', 401)
    await clock.advance(30_100)
    expect((auth.getSnapshot().error as SessionExpiredError).reason).toBe('refresh_rejected')
  })
})
