// The OIDC adapter against a real, certified OpenID Provider (oidc-provider on 127.0.0.1):
// code + PKCE sign-in, rotation, classification on fake time, and every bad input of issue 16.
import { AdapterError, InvalidOptionsError, SessionExpiredError } from 'authchart'
import { createOidcAdapter, OidcError, type TransactionStorage } from 'authchart/oidc'
import { createFakeClock } from 'authchart/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { followRedirects } from '../../../examples/oidc-provider/followRedirects.js'
import { type OidcProviderFixture, startOidcProvider } from '../../../examples/oidc-provider/startOidcProvider.js'
import {
  authorize,
  heldTokens,
  oidcClient,
  POST_LOGOUT_URI,
  REDIRECT_URI,
  signInThroughProvider,
} from '../../fixtures/oidc/oidcClient.js'
import { runDueRefresh } from '../../fixtures/rest/restClient.js'
import { waitForSnapshot } from '../../fixtures/rest/waitForSnapshot.js'

const TTL = 300

let op: OidcProviderFixture

beforeAll(async () => {
  op = await startOidcProvider({ accessTokenTtl: TTL })
})
afterAll(() => op.close())

/** A fetch that lets `edit` rewrite the JSON of answers from `path`. */
function rewritingFetch(path: string, edit: (body: Record<string, unknown>) => Record<string, unknown>): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    if (new URL(String(input instanceof Request ? input.url : input)).pathname !== path) return response
    const body = edit((await response.json()) as Record<string, unknown>)
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers })
  }
}

/** Replaces one claim of a JWT's payload, keeping its header and (now wrong) signature. */
function tamper(jwt: string, claim: string, value: unknown): string {
  const [header, payload, signature] = jwt.split('.')
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>
  claims[claim] = value
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
}

/** A transaction store the test can read and edit. */
function visibleTransactions() {
  const items = new Map<string, string>()
  const transactionStorage: TransactionStorage = {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  }
  return { items, transactionStorage }
}

/**
 * Asserts that a call failed with an OidcError of `code` (as the `cause` of the client's
 * AdapterError, or thrown by the adapter itself) and left the client and its store as they were.
 */
async function expectRefused(env: ReturnType<typeof oidcClient>, attempt: Promise<unknown>, code: string) {
  const before = env.auth.getSnapshot()
  const stored = await heldTokens(env)
  const error = await attempt.then(
    () => null,
    (e: unknown) => e,
  )
  const oidcError = error instanceof AdapterError ? error.cause : error
  expect(oidcError).toBeInstanceOf(OidcError)
  expect((oidcError as OidcError).code).toBe(code)
  const after = env.auth.getSnapshot()
  expect(after.session).toEqual(before.session)
  expect(after.status).toBe(before.session === null ? 'unauthenticated' : 'authenticated')
  expect(await heldTokens(env)).toEqual(stored)
  return { error, cause: oidcError as OidcError }
}

describe('the client’s clock', () => {
  const TEN_YEARS = 10 * 365 * 86_400_000

  it('expires_in is placed on the client’s clock (ten years behind the machine’s), at sign-in and refresh', async () => {
    const env = oidcClient(op, { clock: createFakeClock(Date.now() - TEN_YEARS) })
    const session = await signInThroughProvider(env)
    expect(session.expiresAt).toBe(env.clock.now() + TTL * 1000)
    const refreshed = await runDueRefresh(env)
    expect(refreshed.status).toBe('authenticated')
    expect(refreshed.session?.expiresAt).toBe(env.clock.now() + TTL * 1000)
    env.auth.stop()
  })

  it('the ID token is checked on the client’s clock: ten years ahead, the provider’s fresh ID token has expired', async () => {
    const env = oidcClient(op, { clock: createFakeClock(Date.now() + TEN_YEARS) })
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    const { cause } = await expectRefused(env, env.auth.signIn({ callbackUrl }), 'id_token_invalid')
    expect(cause.message).toMatch(/"exp"/)
    env.auth.stop()
  })

  it('a leftover clock option is an InvalidOptionsError that names the replacement', () => {
    const options = {
      issuer: op.issuer,
      clientId: op.clientId,
      redirectUri: REDIRECT_URI,
      allowInsecureRequests: true,
      clock: Date,
    }
    expect(() => createOidcAdapter(options)).toThrow(InvalidOptionsError)
    expect(() => createOidcAdapter(options)).toThrow(/clock option was removed.*pass clock to createAuthClient/)
  })
})

describe('sign-in', () => {
  it('completes code + PKCE through the provider: ID token claims, an opaque access token, expiry on the injected clock', async () => {
    const env = oidcClient(op)
    const session = await signInThroughProvider(env)
    expect(env.auth.getSnapshot().status).toBe('authenticated')
    expect(session.user.id).toBe('ada')
    expect(session.claims).toMatchObject({ sub: 'ada', iss: op.issuer, aud: op.clientId })
    expect(session.accessToken.split('.')).toHaveLength(1)
    expect(session.refreshToken).toBeDefined()
    expect(session.idToken?.split('.')).toHaveLength(3)
    expect(session.expiresAt).toBe(env.clock.now() + TTL * 1000)
    env.auth.stop()
  })

  it('builds the authorization URL with S256 PKCE, state, nonce and the extra parameters', async () => {
    const env = oidcClient(op, { adapter: { authorizationParams: { audience: 'https://api.example.com' } } })
    const url = await env.adapter.createSignInUrl({ login_hint: 'grace' })
    expect(url.origin).toBe(op.issuer)
    for (const name of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(name)).toMatch(/^[\w-]{20,}$/)
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: op.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid profile email offline_access',
      audience: 'https://api.example.com',
      login_hint: 'grace',
    })
    env.auth.stop()
  })

  it('auth.signIn() with no callback navigates to the provider and waits; a sign-out cancels it', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const leaving = env.auth.signIn({ params: { login_hint: 'grace' } })
    await vi.waitFor(() => expect(env.navigations).toHaveLength(1))
    expect(env.navigations[0]?.searchParams.get('login_hint')).toBe('grace')
    expect(env.auth.getSnapshot().status).toBe('signingIn')
    await env.auth.signOut()
    await expect(leaving).rejects.toThrow()
    // The navigated-to URL still completes in a fresh page (the same transaction store here).
    const callbackUrl = await followRedirects(env.navigations[0] as URL, REDIRECT_URI)
    expect((await env.auth.signIn({ callbackUrl })).user.id).toBe('grace')
    env.auth.stop()
  })

  it('merges the userinfo response into user with userInfo: true, and validates a restored session there', async () => {
    const env = oidcClient(op, { adapter: { userInfo: true } })
    const session = await signInThroughProvider(env)
    expect(session.user).toMatchObject({
      id: 'ada',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      email_verified: true,
    })
    env.auth.stop()
  })

  it('isCallback recognises this client’s callbacks only', () => {
    const { adapter } = oidcClient(op)
    expect(adapter.isCallback(`${REDIRECT_URI}?code=c&state=s`)).toBe(true)
    expect(adapter.isCallback(`${REDIRECT_URI}?error=access_denied&state=s`)).toBe(true)
    expect(adapter.isCallback(`${REDIRECT_URI}?code=c`)).toBe(false)
    expect(adapter.isCallback('http://127.0.0.1:4999/other?code=c&state=s')).toBe(false)
    expect(adapter.isCallback('not a url')).toBe(false)
  })
})

describe('refresh', () => {
  it('rotates the refresh token when due, with one request at the provider, and keeps the ID token’s subject', async () => {
    const env = oidcClient(op)
    const first = await signInThroughProvider(env)
    const before = op.refreshRequests().length
    const after = await runDueRefresh(env)
    expect(after.status).toBe('authenticated')
    expect(after.error).toBeNull()
    const now = await heldTokens(env)
    expect(now?.refreshToken).not.toBe(first.refreshToken)
    expect(now?.accessToken).not.toBe(first.accessToken)
    expect(after.user?.id).toBe('ada')
    expect(op.refreshRequests().length - before).toBe(1)
    env.auth.stop()
  })

  it('refresh({ force, until }) resolves with a new token whose claims satisfy the predicate', async () => {
    const env = oidcClient(op)
    const first = await signInThroughProvider(env)
    const before = op.refreshRequests().length
    await env.auth.refresh({ force: true, until: (claims) => claims.iat !== undefined && claims.sub === 'ada' })
    expect((await heldTokens(env))?.accessToken).not.toBe(first.accessToken)
    expect(op.refreshRequests().length - before).toBe(1)
    env.auth.stop()
  })

  it('invalid_grant (a spent refresh token: the provider revoked the grant) ends the session as rejected', async () => {
    const env = oidcClient(op)
    const first = await signInThroughProvider(env)
    // Another client spends the same refresh token first: the provider rotates it, and the
    // chart's own attempt then meets invalid_grant, with the whole grant revoked.
    const twin = createOidcAdapter({
      issuer: op.issuer,
      clientId: op.clientId,
      redirectUri: REDIRECT_URI,
      allowInsecureRequests: true,
    })
    const signal = new AbortController().signal
    await twin.refresh(first as never, { signal, now: () => env.clock.now(), force: false })
    const after = await runDueRefresh(env)
    expect(after.status).toBe('expired')
    expect(after.error).toBeInstanceOf(SessionExpiredError)
    expect((after.error as SessionExpiredError).reason).toBe('refresh_rejected')
    expect(op.tokenRequests().at(-1)).toMatchObject({ grantType: 'refresh_token', status: 400, error: 'invalid_grant' })
    env.auth.stop()
  })

  it.each([
    ['a 503 HTML page', { status: 503, body: '<html>down</html>', contentType: 'text/html' }],
    ['a 429 with Retry-After', { status: 429, body: '', headers: { 'Retry-After': '7' } }],
    [
      'a 400 temporarily_unavailable',
      { status: 400, body: JSON.stringify({ error: 'temporarily_unavailable', error_description: 'busy' }) },
    ],
    ['a 500 server_error', { status: 500, body: JSON.stringify({ error: 'server_error' }) }],
  ])('%s is transient: the client stays signed in and the retry succeeds', async (_, fault) => {
    const env = oidcClient(op)
    const first = await signInThroughProvider(env)
    op.injectFault('/token', fault)
    const failed = await runDueRefresh(env)
    expect(failed.status).toBe('refreshing')
    expect(failed.error).toBeInstanceOf(AdapterError)
    expect((failed.error as AdapterError).kind).toBe('transient')
    expect((await heldTokens(env))?.accessToken).toBe(first.accessToken)
    if (fault.status === 429) expect((failed.error as AdapterError).retryAfterMs).toBe(7000)
    // Past the backoff (and the 7 s Retry-After) but not past the retry's own request timeout:
    // a retry abandoned mid-flight would have rotated the token at the provider unseen.
    await env.clock.advance(8_000)
    const recovered = await waitForSnapshot(env.auth, (s) => s.status === 'authenticated')
    expect(recovered.status).toBe('authenticated')
    expect((await heldTokens(env))?.accessToken).not.toBe(first.accessToken)
    env.auth.stop()
  })

  it('a network failure is transient', async () => {
    let down = false
    const env = oidcClient(op, {
      adapter: {
        fetch: (input, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
      },
    })
    await signInThroughProvider(env)
    down = true
    const failed = await runDueRefresh(env)
    expect((failed.error as AdapterError).kind).toBe('transient')
    expect(failed.session).not.toBeNull()
    env.auth.stop()
  })
})

describe('bad callbacks: a typed error and no session change', () => {
  it('a callback used twice is refused the second time, and the session it made stays', async () => {
    const env = oidcClient(op)
    const callbackUrl = await (async () => {
      await env.clock.flush()
      return authorize(env)
    })()
    await env.auth.signIn({ callbackUrl })
    const { error, cause } = await expectRefused(env, env.auth.signIn({ callbackUrl }), 'callback_replayed')
    expect(cause.message).toMatch(/already used/)
    expect(error).toMatchObject({ code: 'signIn_rejected' })
    env.auth.stop()
  })

  it('a used sign-in keeps nothing secret in the transaction store (no verifier, no nonce)', async () => {
    const { items, transactionStorage } = visibleTransactions()
    const env = oidcClient(op, { adapter: { transactionStorage } })
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    expect([...items.values()].join()).toContain('codeVerifier')
    await env.auth.signIn({ callbackUrl })
    expect([...items.values()].map((v) => Object.keys(JSON.parse(v)).sort())).toEqual([['createdAt', 'usedAt']])
    env.auth.stop()
  })

  it('a missing state, a wrong state, and a URL with neither code nor error', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    const withoutState = new URL(callbackUrl)
    withoutState.searchParams.delete('state')
    await expectRefused(env, env.auth.signIn({ callbackUrl: withoutState }), 'state_mismatch')
    const wrongState = new URL(callbackUrl)
    wrongState.searchParams.set('state', 'forged-state-value-0123456789')
    await expectRefused(env, env.auth.signIn({ callbackUrl: wrongState }), 'state_mismatch')
    const noCode = new URL(callbackUrl)
    noCode.searchParams.delete('code')
    await expectRefused(env, env.auth.signIn({ callbackUrl: noCode }), 'callback_invalid')
    // The genuine callback still works: nothing above spent it.
    expect((await env.auth.signIn({ callbackUrl })).user.id).toBe('ada')
    env.auth.stop()
  })

  it('a callback naming another issuer is callback_invalid, rejected and not retried', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const callbackUrl = new URL(await authorize(env))
    callbackUrl.searchParams.set('iss', 'https://id.example.com')
    const { error, cause } = await expectRefused(env, env.auth.signIn({ callbackUrl }), 'callback_invalid')
    expect(error).toMatchObject({ kind: 'rejected' })
    expect(cause.message).not.toMatch(/JSON/)
    env.auth.stop()
  })

  it('an expired callback (started more than 10 minutes ago on the wall clock)', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    // The wait for a callback spans two page loads and is measured on `Date`, not on the client's
    // clock: moving the client's clock alone does not expire it.
    await env.clock.advance(11 * 60_000)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 11 * 60_000 })
    try {
      await expectRefused(env, env.auth.signIn({ callbackUrl }), 'callback_expired')
    } finally {
      vi.useRealTimers()
    }
    env.auth.stop()
  })

  it('a callback is not expired by the client’s clock alone', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    await env.clock.advance(11 * 60_000)
    await env.auth.signIn({ callbackUrl })
    expect(env.auth.getSnapshot().status).toBe('authenticated')
    env.auth.stop()
  })

  it('the provider’s error=access_denied is a rejected OidcError carrying the provider’s code', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const started = await env.adapter.createSignInUrl()
    const denied = new URL(REDIRECT_URI)
    denied.search = new URLSearchParams({
      error: 'access_denied',
      error_description: 'the user said no',
      state: started.searchParams.get('state') ?? '',
      iss: op.issuer,
    }).toString()
    const { error, cause } = await expectRefused(env, env.auth.signIn({ callbackUrl: denied }), 'callback_error')
    expect(error).toMatchObject({ kind: 'rejected', operation: 'signIn' })
    expect(cause.providerError).toBe('access_denied')
    expect(cause.message).toContain('the user said no')
    env.auth.stop()
  })

  it('a wrong nonce (the ID token answers another sign-in)', async () => {
    const { items, transactionStorage } = visibleTransactions()
    const env = oidcClient(op, { adapter: { transactionStorage } })
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    for (const [key, value] of items) items.set(key, JSON.stringify({ ...JSON.parse(value), nonce: 'another-nonce' }))
    const { cause } = await expectRefused(env, env.auth.signIn({ callbackUrl }), 'id_token_invalid')
    expect(cause.message).toMatch(/nonce/)
    env.auth.stop()
  })
})

describe('bad provider answers: a typed error and no session change', () => {
  it('an ID token without the nonce it must carry is id_token_invalid, not a JSON problem', async () => {
    const env = oidcClient(op, {
      adapter: {
        fetch: rewritingFetch('/token', (body) =>
          typeof body.id_token === 'string' ? { ...body, id_token: tamper(body.id_token, 'nonce', undefined) } : body,
        ),
      },
    })
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    const { cause } = await expectRefused(env, env.auth.signIn({ callbackUrl }), 'id_token_invalid')
    expect(cause.message).not.toMatch(/JSON/)
    env.auth.stop()
  })

  it('a tampered ID token fails the signature check against the JWKS', async () => {
    const env = oidcClient(op, {
      adapter: {
        fetch: rewritingFetch('/token', (body) => ({
          ...body,
          id_token: tamper(String(body.id_token), 'name', 'Eve'),
        })),
      },
    })
    await env.clock.flush()
    const { cause } = await expectRefused(
      env,
      env.auth.signIn({ callbackUrl: await authorize(env) }),
      'id_token_invalid',
    )
    expect(cause.message).toMatch(/signature/i)
    env.auth.stop()
  })

  it('an ID token for another audience', async () => {
    const env = oidcClient(op, {
      adapter: {
        fetch: rewritingFetch('/token', (body) => ({
          ...body,
          id_token: tamper(String(body.id_token), 'aud', 'someone-else'),
        })),
      },
    })
    await env.clock.flush()
    const { cause } = await expectRefused(
      env,
      env.auth.signIn({ callbackUrl: await authorize(env) }),
      'id_token_invalid',
    )
    expect(cause.message).toMatch(/aud/)
    env.auth.stop()
  })

  it('a refresh whose ID token is tampered keeps the held session and retries', async () => {
    let tampering = false
    const env = oidcClient(op, {
      adapter: {
        fetch: rewritingFetch('/token', (body) =>
          tampering ? { ...body, id_token: tamper(String(body.id_token), 'sub', 'eve') } : body,
        ),
      },
    })
    const first = await signInThroughProvider(env)
    tampering = true
    const failed = await runDueRefresh(env)
    expect(failed.error).toMatchObject({ kind: 'transient', operation: 'refresh' })
    expect(failed.error?.cause).toBeInstanceOf(OidcError)
    expect((failed.error?.cause as OidcError).code).toBe('id_token_invalid')
    expect((await heldTokens(env))?.accessToken).toBe(first.accessToken)
    env.auth.stop()
  })

  it('a discovery document of another issuer', async () => {
    const env = oidcClient(op, {
      adapter: {
        fetch: rewritingFetch('/.well-known/openid-configuration', (b) => ({ ...b, issuer: 'https://evil.example' })),
      },
    })
    await env.clock.flush()
    await expectRefused(env, env.adapter.createSignInUrl(), 'discovery_invalid')
    env.auth.stop()
  })

  it('a discovery document without a token endpoint', async () => {
    const env = oidcClient(op, {
      adapter: {
        fetch: rewritingFetch('/.well-known/openid-configuration', ({ token_endpoint: _, ...rest }) => rest),
      },
    })
    const { cause } = await expectRefused(env, env.adapter.createSignInUrl(), 'discovery_invalid')
    expect(cause.message).toMatch(/token_endpoint/)
    env.auth.stop()
  })

  it('an HTML page where the token endpoint’s JSON should be', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    op.injectFault('/token', { status: 200, body: '<html><body>Welcome</body></html>', contentType: 'text/html' })
    await expectRefused(env, env.auth.signIn({ callbackUrl }), 'response_invalid')
    env.auth.stop()
  })

  it('an HTML page where the discovery document should be', async () => {
    op.injectFault('/.well-known/openid-configuration', {
      status: 200,
      body: '<html>hi</html>',
      contentType: 'text/html',
    })
    const env = oidcClient(op)
    await expectRefused(env, env.adapter.createSignInUrl(), 'response_invalid')
    // Not cached: the next call discovers again and works.
    expect((await env.adapter.createSignInUrl()).origin).toBe(op.issuer)
    env.auth.stop()
  })
})

describe('sign-out', () => {
  it('revokes the refresh token and redirects to the end-session endpoint with id_token_hint', async () => {
    const env = oidcClient(op)
    const session = await signInThroughProvider(env)
    await env.auth.signOut()
    expect(env.auth.getSnapshot().status).toBe('unauthenticated')
    const logout = env.navigations.at(-1) as URL
    expect(`${logout.origin}${logout.pathname}`).toBe(`${op.issuer}/session/end`)
    expect(logout.searchParams.get('id_token_hint')).toBe(session.idToken)
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(POST_LOGOUT_URI)
    // The provider's logout page leads back to the app.
    expect((await followRedirects(logout, POST_LOGOUT_URI)).href).toBe(POST_LOGOUT_URI)
    // And the refresh token no longer works.
    const twin = createOidcAdapter({
      issuer: op.issuer,
      clientId: op.clientId,
      redirectUri: REDIRECT_URI,
      allowInsecureRequests: true,
    })
    await expect(
      twin.refresh(session as never, {
        signal: new AbortController().signal,
        now: () => env.clock.now(),
        force: false,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_grant',
    })
  })
})

describe('options and hygiene', () => {
  it('an http issuer needs the explicit allowInsecureRequests', () => {
    expect(() => createOidcAdapter({ issuer: op.issuer, clientId: 'c', redirectUri: REDIRECT_URI })).toThrow(
      InvalidOptionsError,
    )
    expect(() => createOidcAdapter({ issuer: 'not a url', clientId: 'c', redirectUri: REDIRECT_URI })).toThrow(/issuer/)
    expect(() => createOidcAdapter({ issuer: 'https://id.example', clientId: '', redirectUri: REDIRECT_URI })).toThrow(
      /clientId/,
    )
  })

  it('no log line or error message carries a token or a code', async () => {
    const env = oidcClient(op)
    await env.clock.flush()
    const callbackUrl = await authorize(env)
    const code = callbackUrl.searchParams.get('code') ?? ''
    await env.auth.signIn({ callbackUrl })
    const session = (await heldTokens(env)) as NonNullable<Awaited<ReturnType<typeof heldTokens>>>
    const replay = await env.auth.signIn({ callbackUrl }).catch((e: unknown) => e)
    op.injectFault('/token', { status: 503, body: '<html>down</html>', contentType: 'text/html' })
    const failed = await runDueRefresh(env)
    const texts = [...env.logged, String(replay), String(failed.error), JSON.stringify(failed.error)]
    for (const secret of [code, session.accessToken, session.refreshToken ?? '', session.idToken ?? '']) {
      expect(secret.length).toBeGreaterThan(10)
      for (const text of texts) expect(text.includes(secret)).toBe(false)
    }
    env.auth.stop()
  })
})
