// The REST adapter against a real HTTP server that misbehaves on cue: parsing, classification,
// Retry-After on fake time, abort, and JWKS verification.
import { AdapterError, InvalidOptionsError, InvalidSessionError, parseSession, type Session } from 'authchart'
import { classifyRestError, createRestAdapter, RestHttpError } from 'authchart/rest'
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose'
import { createFakeClock } from 'authchart/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { freePort } from '../../fixtures/rest/freePort.js'
import { restClient, runDueRefresh } from '../../fixtures/rest/restClient.js'
import { type ScriptedReply, startScriptedServer } from '../../fixtures/rest/scriptedServer.js'
import { waitForSnapshot } from '../../fixtures/rest/waitForSnapshot.js'
import { heldSession } from '../../fixtures/heldSession.js'

const ISSUER = 'https://issuer.test'
const AUDIENCE = 'authchart-tests'
const credentials = { email: 'ada@example.com', password: 'pw' }

let keys: Awaited<ReturnType<typeof generateKeyPair>>
let publicJwk: JWK
let server: Awaited<ReturnType<typeof startScriptedServer>>

async function token(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 900, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header })
    .sign(keys.privateKey)
}

async function tokenBody(): Promise<ScriptedReply> {
  return { body: { access_token: await token(), refresh_token: `r-${Math.random()}`, expires_in: 900 } }
}

beforeAll(async () => {
  keys = await generateKeyPair('ES256')
  publicJwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
  server = await startScriptedServer((path) => {
    if (path === '/.well-known/jwks.json') return { body: { keys: [publicJwk] } }
    if (path === '/auth/me') return { body: { user: { id: 'user-1', email: 'ada@example.com' } } }
    if (path === '/auth/logout') return { status: 204 }
    return tokenBody()
  })
})

afterAll(() => server.close())

beforeEach(() => {
  server.requests.length = 0
})

async function adapterSession(): Promise<Session> {
  return parseSession({ accessToken: await token(), refreshToken: 'r0' }, 'test session')
}

describe('responses', () => {
  it('parses { access_token, refresh_token, expires_in } and counts expiry from arrival on the injected clock', async () => {
    const env = restClient(server.url)
    await env.clock.flush()
    const session = await env.auth.signIn(credentials)
    expect(session.refreshable).toBe(true)
    expect(heldSession(env.auth)?.refreshToken).toMatch(/^r-/)
    expect(session.expiresAt).toBe(env.clock.now() + 900_000)
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/auth/login', body: JSON.stringify(credentials) })
    env.auth.stop()
  })

  it('parses the camelCase variant', async () => {
    server.enqueue('/auth/login', { body: { accessToken: await token(), refreshToken: 'camel', expiresIn: 60 } })
    const env = restClient(server.url)
    await env.clock.flush()
    const session = await env.auth.signIn(credentials)
    expect(heldSession(env.auth)?.refreshToken).toBe('camel')
    expect(session.expiresAt).toBe(env.clock.now() + 60_000)
    env.auth.stop()
  })

  it.each([
    ['no access token', { refresh_token: 'r1', expires_in: 900 }, 'access_token'],
    ['a wrong expires_in', { access_token: 'x.y.z', expires_in: 'soon' }, 'expires_in'],
    ['a camelCase body without refresh token string', { accessToken: 'x.y.z', refreshToken: 42 }, 'refreshToken'],
    ['an HTML error page with status 200', '<html>oops</html>', 'access_token'],
  ])('a bad body (%s) gives an InvalidSessionError naming the field', async (_, body, field) => {
    server.enqueue('/auth/login', typeof body === 'string' ? { raw: body } : { body })
    const env = restClient(server.url)
    await env.clock.flush()
    const error = await env.auth.signIn(credentials).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as InvalidSessionError).field).toBe(field)
    expect(env.auth.getSnapshot().status).toBe('unauthenticated')
    env.auth.stop()
  })

  it('a bad refresh body is an InvalidSessionError in the snapshot, and the session is kept', async () => {
    const env = restClient(server.url)
    await env.clock.flush()
    await env.auth.signIn(credentials)
    server.enqueue('/auth/refresh', { body: { refresh_token: 'r2' } })
    const settled = await runDueRefresh(env)
    expect(settled.error).toBeInstanceOf(InvalidSessionError)
    expect((settled.error as InvalidSessionError).field).toBe('access_token')
    expect(settled.session).not.toBeNull()
    env.auth.stop()
  })

  it('takes a custom parse and sends the refresh token in the configured field', async () => {
    server.enqueue('/auth/login', { body: { data: { jwt: await token(), rt: 'custom' } } })
    const env = restClient(server.url, {
      adapter: {
        refreshTokenField: 'token',
        parse: (body) => {
          const { data } = body as { data: { jwt: string; rt: string } }
          return { accessToken: data.jwt, refreshToken: data.rt }
        },
      },
    })
    await env.clock.flush()
    await env.auth.signIn(credentials)
    server.enqueue('/auth/refresh', { body: { data: { jwt: await token(), rt: 'custom-2' } } })
    await env.auth.refresh()
    expect(server.requests.at(-1)?.body).toBe(JSON.stringify({ token: 'custom' }))
    expect(heldSession(env.auth)?.refreshToken).toBe('custom-2')
    env.auth.stop()
  })
})

describe('classify', () => {
  it.each([
    [400, { error: 'invalid_grant' }, 'rejected'],
    [401, {}, 'rejected'],
    [403, {}, 'rejected'],
    [400, { error: 'invalid_request' }, 'rejected'],
    [408, {}, 'transient'],
    [429, {}, 'transient'],
    [500, {}, 'transient'],
    [502, {}, 'transient'],
    [503, {}, 'transient'],
  ])('a %i %j on refresh is %s', async (status, body, kind) => {
    server.enqueue('/auth/refresh', { status, body })
    const adapter = createRestAdapter({ baseUrl: server.url })
    const error = await adapter
      .refresh(await adapterSession(), { signal: new AbortController().signal, now: () => Date.now(), force: false })
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(RestHttpError)
    expect((error as RestHttpError).status).toBe(status)
    expect(adapter.classify?.(error)).toBe(kind)
  })

  it('a network failure is transient', async () => {
    const adapter = createRestAdapter({ baseUrl: `http://127.0.0.1:${await freePort()}` })
    const error = await adapter
      .refresh(await adapterSession(), { signal: new AbortController().signal, now: () => Date.now(), force: false })
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(TypeError)
    expect(classifyRestError(error)).toBe('transient')
  })

  it('a 401 on refresh ends the session in expired; a 500 keeps it and retries', async () => {
    const env = restClient(server.url)
    await env.clock.flush()
    await env.auth.signIn(credentials)
    server.enqueue('/auth/refresh', { status: 500, body: { error: 'boom' } })
    const failed = await runDueRefresh(env)
    expect(failed.status).toBe('refreshing')
    expect(failed.error?.kind).toBe('transient')
    server.enqueue('/auth/refresh', { status: 401, body: { error: 'invalid_grant', error_description: 'revoked' } })
    await env.clock.advance(750)
    const expired = await waitForSnapshot(env.auth, (s) => s.status === 'expired')
    expect(expired.error?.message).toMatch(/invalid_grant: revoked/)
    env.auth.stop()
  })

  it('never puts a token into an error message', async () => {
    const jwt = await token()
    server.enqueue('/auth/refresh', { status: 400, body: { error: 'invalid_grant', error_description: `bad ${jwt}` } })
    const env = restClient(server.url)
    await env.clock.flush()
    await env.auth.signIn(credentials)
    await expect(env.auth.refresh()).rejects.toThrow(/\[redacted jwt\]/)
    expect(env.auth.getSnapshot().error?.message).not.toContain(jwt)
    env.auth.stop()
  })
})

describe('Retry-After', () => {
  it.each([
    ['delay-seconds', (_base: number) => ({ 'Retry-After': '120' })],
    [
      'an HTTP date',
      (base: number) => ({ Date: new Date(base).toUTCString(), 'Retry-After': new Date(base + 120_000).toUTCString() }),
    ],
  ])('a 503 with Retry-After as %s is retried at the time it names, on fake time', async (_, headers) => {
    const base = Math.floor(Date.now() / 1000) * 1000
    const sentAt: number[] = []
    const env = restClient(server.url, {
      adapter: {
        fetch: (input, init) => {
          if (String(input).endsWith('/auth/refresh')) sentAt.push(env.clock.now())
          return fetch(input, init)
        },
      },
    })
    await env.clock.flush()
    await env.auth.signIn(credentials)
    server.enqueue('/auth/refresh', { status: 503, body: { error: 'temporarily_unavailable' }, headers: headers(base) })

    const failed = await runDueRefresh(env)
    expect(failed.status).toBe('refreshing')
    expect(failed.error).toBeInstanceOf(AdapterError)
    expect((failed.error as AdapterError).retryAfterMs).toBe(120_000)
    // Without Retry-After the first retry would come after 750 ms.
    await env.clock.advance(119_999)
    expect(sentAt).toHaveLength(1)
    await env.clock.advance(1)
    expect(sentAt).toHaveLength(2)
    expect((sentAt[1] ?? 0) - (sentAt[0] ?? 0)).toBe(120_000)
    const recovered = await waitForSnapshot(env.auth, (s) => s.status === 'authenticated')
    expect(recovered.error).toBeNull()
    env.auth.stop()
  })
})

describe('abort', () => {
  it('honours the AbortSignal: sign-out cancels a refresh in flight', async () => {
    server.enqueue('/auth/refresh', { hang: true })
    const adapter = createRestAdapter({ baseUrl: server.url })
    const controller = new AbortController()
    const pending = adapter.refresh(await adapterSession(), {
      signal: controller.signal,
      now: () => Date.now(),
      force: false,
    })
    const check = expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    // Aborted once the server holds it: aborted earlier, the hanging answer would stay queued and
    // hang a later test's refresh.
    await vi.waitFor(() => expect(server.requests.some((r) => r.path === '/auth/refresh')).toBe(true))
    controller.abort()
    await check
  })
})

describe('JWKS verification', () => {
  const verifying = (extra: Record<string, unknown> = {}) =>
    restClient(server.url, {
      adapter: { jwks: `${server.url}/.well-known/jwks.json`, issuer: ISSUER, audience: AUDIENCE, ...extra },
    })

  async function signInWith(accessToken: string, extra: Record<string, unknown> = {}) {
    server.enqueue('/auth/login', { body: { access_token: accessToken, refresh_token: 'r1', expires_in: 900 } })
    const env = verifying(extra)
    await env.clock.flush()
    const result = await env.auth.signIn(credentials).then(
      (session) => ({ session, error: null }),
      (error: unknown) => ({ session: null, error }),
    )
    env.auth.stop()
    return result
  }

  it('accepts a token signed by a key of the JWKS, with the right issuer and audience', async () => {
    const { session, error } = await signInWith(await token())
    expect(error).toBeNull()
    expect(session?.claims.iss).toBe(ISSUER)
    expect(server.requests.some((r) => r.path === '/.well-known/jwks.json')).toBe(true)
  })

  it.each([
    ['a wrong issuer', () => token({ iss: 'https://evil.test' }), /ERR_JWT_CLAIM_VALIDATION_FAILED/],
    ['a wrong audience', () => token({ aud: 'someone-else' }), /ERR_JWT_CLAIM_VALIDATION_FAILED/],
    ['an expired token', () => token({ iat: 1_000, exp: 2_000 }), /ERR_JWT_EXPIRED/],
    ['a key not in the JWKS', () => token({}, { kid: 'other' }), /ERR_JWKS_NO_MATCHING_KEY/],
  ])('rejects %s', async (_, make, code) => {
    const { error } = await signInWith(await make())
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as InvalidSessionError).field).toBe('access_token')
    expect((error as Error).message).toMatch(code)
  })

  it('rejects alg none', async () => {
    const good = await token()
    const [, payload] = good.split('.')
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const { error } = await signInWith(`${header}.${payload}.`)
    expect(error).toBeInstanceOf(InvalidSessionError)
  })

  it('rejects an HS256 token whose secret is the public key, even if HS256 is listed', async () => {
    const pem = await exportSPKI(keys.publicKey)
    const forged = await new SignJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(new TextEncoder().encode(pem))
    const { error } = await signInWith(forged, { algorithms: ['HS256', 'ES256'] })
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as Error).message).toMatch(/ERR_JOSE_ALG_NOT_ALLOWED/)
  })
})

describe('the client’s clock', () => {
  const TEN_YEARS = 10 * 365 * 86_400_000
  const aheadClient = (adapter: Record<string, unknown> = {}) =>
    restClient(server.url, { clock: createFakeClock(Date.now() + TEN_YEARS), adapter })

  it('expires_in is placed on the client’s clock (ten years ahead of the machine’s), at sign-in and refresh', async () => {
    const env = aheadClient()
    await env.clock.flush()
    const session = await env.auth.signIn(credentials)
    expect(session.expiresAt).toBe(env.clock.now() + 900_000)
    const refreshed = await runDueRefresh(env)
    expect(refreshed.status).toBe('authenticated')
    expect(refreshed.session?.expiresAt).toBe(env.clock.now() + 900_000)
    expect(refreshed.session?.expiresAt).toBeGreaterThan(session.expiresAt)
    env.auth.stop()
  })

  it('verification reads the client’s clock: a token valid on the machine’s clock is expired on it', async () => {
    const jwks = { jwks: `${server.url}/.well-known/jwks.json`, issuer: ISSUER, audience: AUDIENCE }
    server.enqueue('/auth/login', { body: { access_token: await token(), refresh_token: 'r1', expires_in: 900 } })
    const ahead = aheadClient(jwks)
    await ahead.clock.flush()
    const refused = await ahead.auth.signIn(credentials).then(
      () => null,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(InvalidSessionError)
    expect((refused as Error).message).toMatch(/ERR_JWT_EXPIRED/)
    // A token minted on the client's clock passes, though it is not yet valid on the machine's.
    const iat = Math.floor(ahead.clock.now() / 1000)
    server.enqueue('/auth/login', {
      body: { access_token: await token({ iat, nbf: iat, exp: iat + 900 }), refresh_token: 'r2', expires_in: 900 },
    })
    const session = await ahead.auth.signIn(credentials)
    expect(session.claims.iat).toBe(iat)
    ahead.auth.stop()
  })

  it('a leftover clock option is an InvalidOptionsError that names the replacement', () => {
    const options = { baseUrl: 'https://api.example.com', clock: { now: () => Date.now() } }
    expect(() => createRestAdapter(options)).toThrow(InvalidOptionsError)
    expect(() => createRestAdapter(options)).toThrow(/clock option was removed.*pass clock to createAuthClient/)
  })
})

describe('refreshTokenLifetime', () => {
  it('is declared to the client, so an unknown token older than it is not flagged as a store loss', () => {
    const adapter = createRestAdapter({ baseUrl: 'https://api.example.com', refreshTokenLifetime: 30 * 86_400_000 })
    expect(adapter.refreshTokenLifetime).toBe(30 * 86_400_000)
    expect(createRestAdapter({ baseUrl: 'https://api.example.com' }).refreshTokenLifetime).toBeUndefined()
  })

  it('a lifetime that is not a positive number is an InvalidOptionsError', () => {
    expect(() => createRestAdapter({ baseUrl: 'https://api.example.com', refreshTokenLifetime: 0 })).toThrow(
      /refreshTokenLifetime must be a positive number/,
    )
  })
})
