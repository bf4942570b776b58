// The REST adapter's classify reads the reference server's refusal codes into authchart's
// rejection reasons: each refusal is provoked on a real server (on its injected clock) and the
// adapter's own error, as the chart would get it, is classified.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Classification, parseSession, type Session } from 'authchart'
import { classifyRestError, createRestAdapter, RestHttpError } from 'authchart/rest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RestServer, startRestServer } from '../../../examples/rest-server/startRestServer.js'
import { ada } from '../../fixtures/rest/restClient.js'

const dataDir = mkdtempSync(join(tmpdir(), 'authchart-rest-classify-'))
let now = Date.now()
let server: RestServer

beforeAll(async () => {
  server = await startRestServer({ dataDir, refreshTokenTtl: 3_600, clock: { now: () => now }, log: () => {} })
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const context = () => ({ signal: new AbortController().signal, now: () => now, force: false })

function adapter(mode: 'body' | 'cookie' = 'body') {
  return createRestAdapter({ baseUrl: server.url, mode })
}

async function signedIn(): Promise<Session> {
  return parseSession(await adapter().signIn(ada, context()), 'sign-in')
}

/** Refreshes with `session` and returns what the adapter threw, classified. */
async function refusal(session: Session, mode: 'body' | 'cookie' = 'body') {
  const rest = adapter(mode)
  const error = await rest.refresh(session, context()).then(
    () => {
      throw new Error('the refresh was not refused')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RestHttpError)
  return { error: error as RestHttpError, classified: rest.classify?.(error) }
}

const rejectedFor = (reason: string): Classification => ({ kind: 'rejected', reason }) as Classification

describe("the reference server's refusals", () => {
  it('token_reused: a spent token after the reuse interval', async () => {
    const session = await signedIn()
    await adapter().refresh(session, context())
    now += 10_000
    const { error, classified } = await refusal(session)
    expect(error).toMatchObject({ status: 401, code: 'invalid_grant', reason: 'token_reused' })
    expect(classified).toEqual(rejectedFor('token_reused'))
  })

  it('family_revoked: any token of a family revoked by reuse, or signed out', async () => {
    const session = await signedIn()
    const next = parseSession(await adapter().refresh(session, context()), 'refresh')
    now += 10_000
    await refusal(session)
    expect((await refusal(next)).classified).toEqual(rejectedFor('family_revoked'))

    const other = await signedIn()
    await adapter().signOut?.(other, context())
    expect((await refusal(other)).classified).toEqual(rejectedFor('family_revoked'))
  })

  it('refresh_token_unknown: a token the server never issued or has lost (seed 002)', async () => {
    const session = { ...(await signedIn()), refreshToken: 'lost-with-the-store' }
    const { error, classified } = await refusal(session)
    expect(error.reason).toBe('refresh_token_unknown')
    expect(classified).toEqual(rejectedFor('refresh_token_unknown'))
  })

  it('no_refresh_token: a cookie-mode refresh with no cookie, and a body-mode session with no token', async () => {
    const session = { ...(await signedIn()), refreshToken: undefined }
    const cookieless = await refusal(session, 'cookie')
    expect(cookieless.error.reason).toBe('refresh_token_missing')
    expect(cookieless.classified).toEqual(rejectedFor('no_refresh_token'))
    expect((await refusal(session, 'body')).classified).toEqual(rejectedFor('no_refresh_token'))
  })

  it('an expired refresh token is a plain rejection: authchart has no reason of its own for it', async () => {
    const session = await signedIn()
    now += 3_600_000
    const { error, classified } = await refusal(session)
    expect(error.reason).toBe('refresh_token_expired')
    expect(classified).toBe('rejected')
  })
})

describe('other answers', () => {
  it.each([
    [{ status: 401, code: 'invalid_grant', reason: 'token_reused' }, rejectedFor('token_reused')],
    [{ status: 400, code: 'invalid_grant', reason: 'family_revoked' }, rejectedFor('family_revoked')],
    [{ status: 401, code: 'invalid_grant', reason: 'something_new' }, 'rejected'],
    [{ status: 401, code: 'invalid_grant' }, 'rejected'],
    // A reason never turns a retryable answer into a rejection.
    [{ status: 503, reason: 'token_reused' }, 'transient'],
    [{ status: 429, reason: 'family_revoked' }, 'transient'],
  ] as const)('%j is %j', ({ status, ...details }, expected) => {
    expect(classifyRestError(new RestHttpError('refresh', status, details))).toEqual(expected)
  })
})
