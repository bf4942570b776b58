import {
  type AdapterContext,
  type AuthUser,
  InvalidOptionsError,
  InvalidSessionError,
  type Session,
  type SessionInput,
  whileNotAborted,
} from 'authchart'
import { decodeJwt } from 'jose'
import * as oauth from 'oauth4webapi'
import { classifyOidcError } from './classifyOidcError.js'
import { createIdTokenSignatureCheck } from './createIdTokenSignatureCheck.js'
import { createSignInTransactions, defaultTransactionStorage } from './createSignInTransactions.js'
import { type DiscoveredProvider, discoverProvider } from './discoverProvider.js'
import type { OidcAdapter, OidcAdapterOptions, OidcSignInParams } from './OidcAdapterOptions.js'
import { OidcError } from './OidcError.js'
import { OidcHttpError } from './OidcHttpError.js'
import { toOidcFailure } from './toOidcFailure.js'

const DEFAULT_SCOPE = 'openid profile email offline_access'
// The standard claims that describe the user; the rest of an ID token (nonce, at_hash, aud…)
// is about the token, and stays in `claims`.
const PROFILE_CLAIMS = [
  'email',
  'email_verified',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'nickname',
  'picture',
  'locale',
  'zoneinfo',
  'updated_at',
]

function parseUrl(value: string | URL | undefined, option: string): URL {
  try {
    return new URL(String(value))
  } catch {
    throw new InvalidOptionsError(`createOidcAdapter: ${option} must be an absolute URL`)
  }
}

function userOf(claims: Record<string, unknown>, extra: Record<string, unknown> = {}): AuthUser {
  const user: AuthUser = { id: String(claims.sub) }
  for (const source of [claims, extra]) {
    for (const name of PROFILE_CLAIMS) if (source[name] !== undefined) user[name] = source[name]
  }
  return user
}

function expiryOf(response: oauth.TokenEndpointResponse, arrivedAt: number): number {
  if (response.expires_in !== undefined) return arrivedAt + response.expires_in * 1000
  // No `expires_in`: a JWT access token still says when it expires.
  try {
    const { exp } = decodeJwt(response.access_token)
    if (typeof exp === 'number') return exp * 1000
  } catch {
    // An opaque token with no `expires_in`: nothing says when it expires.
  }
  throw new InvalidSessionError('token response has no expires_in and its access token no exp', {
    field: 'expires_in',
  })
}

/**
 * Creates an {@link AuthAdapter} for any OpenID Provider (Auth0, Okta, Keycloak, Cognito,
 * Entra ID, Google, Zitadel, …) on oauth4webapi: discovery from the issuer, authorization code
 * with PKCE, `state` and `nonce`, rotating refresh tokens, ID tokens checked against the
 * provider's JWKS, optional userinfo, revocation and RP-initiated logout at sign-out.
 *
 * Sign-in is a redirect: `auth.signIn({})` leaves for the provider, and on the callback page
 * `auth.signIn({ callbackUrl: location.href })` completes it. A callback that does not belong
 * to a sign-in this tab started, or that was used already, fails the sign-in (an `AdapterError`
 * whose `cause` is an {@link OidcError}) and changes nothing. The session's `claims` are the ID token's; `user` holds its profile claims (and the
 * userinfo response's, with `userInfo: true`).
 *
 * @example
 * import { createAuthClient } from 'authchart'
 * import { createOidcAdapter } from 'authchart/oidc'
 *
 * const adapter = createOidcAdapter({
 *   issuer: 'https://id.example.com',
 *   clientId: 'my-spa',
 *   redirectUri: `${location.origin}/callback`,
 *   postLogoutRedirectUri: `${location.origin}/`,
 * })
 * const auth = createAuthClient({ adapter }).start()
 * if (adapter.isCallback(location.href)) {
 *   await auth.signIn({ callbackUrl: location.href })
 *   history.replaceState(null, '', '/') // the code is single-use: drop it from the address bar
 * }
 * signInButton.onclick = () => auth.signIn({}) // leaves for the provider
 */
export function createOidcAdapter(options: OidcAdapterOptions): OidcAdapter {
  const issuer = parseUrl(options.issuer, 'issuer')
  const redirectUri = parseUrl(options.redirectUri, 'redirectUri').href
  const postLogoutRedirectUri =
    options.postLogoutRedirectUri === undefined
      ? undefined
      : parseUrl(options.postLogoutRedirectUri, 'postLogoutRedirectUri').href
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new InvalidOptionsError('createOidcAdapter: clientId is required')
  }
  const insecure = options.allowInsecureRequests === true
  if (issuer.protocol !== 'https:' && !insecure) {
    throw new InvalidOptionsError(
      `createOidcAdapter: the issuer ${issuer.href} is not https; for a provider on your own machine pass allowInsecureRequests: true`,
    )
  }
  const clientId = options.clientId
  const scope = options.scope ?? DEFAULT_SCOPE
  // The time comes from the client (AdapterContext.now). A leftover `clock` is refused rather than
  // ignored: ignored, a test that passed it only here would silently run on two clocks.
  if ((options as { clock?: unknown }).clock !== undefined) {
    throw new InvalidOptionsError(
      'createOidcAdapter: the clock option was removed; the adapter reads the time from the client, so pass clock to createAuthClient instead',
    )
  }
  const clockTolerance = options.clockTolerance ?? 30
  const fetchImpl = () => options.fetch ?? globalThis.fetch
  const transactions = createSignInTransactions(
    options.transactionStorage ?? defaultTransactionStorage(),
    `authchart.oidc.${clientId}`,
    options.callbackMaxAgeMs ?? 600_000,
  )

  const http = (signal?: AbortSignal) => ({
    [oauth.customFetch]: (url: string, init: RequestInit) => fetchImpl()(url, init),
    [oauth.allowInsecureRequests]: insecure,
    ...(signal === undefined ? {} : { signal }),
  })
  // oauth4webapi reads the wall clock; the skew makes its checks use the client's clock (`now`,
  // from the adapter call's context).
  const client = (now: () => number): oauth.Client => ({
    client_id: clientId,
    [oauth.clockSkew]: Math.round((now() - Date.now()) / 1000),
    [oauth.clockTolerance]: clockTolerance,
  })

  let discovery: Promise<DiscoveredProvider> | null = null
  let checkSignature: ((idToken: string) => Promise<void>) | null = null
  const provider = (now: () => number): Promise<DiscoveredProvider> => {
    // A failed discovery is forgotten, so the next call (the chart's retry) asks again.
    discovery ??= discoverProvider(issuer, http(), now()).then(
      (as) => {
        checkSignature = createIdTokenSignatureCheck(as.jwks_uri, fetchImpl)
        return as
      },
      (error: unknown) => {
        discovery = null
        throw error
      },
    )
    return discovery
  }

  const step = async <T>(endpoint: string, now: () => number, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      throw toOidcFailure(endpoint, error, now())
    }
  }

  const toSession = async (
    as: DiscoveredProvider,
    response: oauth.TokenEndpointResponse,
    held: Session | null,
    { signal, now }: AdapterContext,
  ): Promise<SessionInput> => {
    // `expires_in` counts from the answer's arrival on the client's clock.
    const expiresAt = expiryOf(response, now())
    const claims = oauth.getValidatedIdTokenClaims(response)
    const idToken = response.id_token ?? held?.idToken
    if (idToken === undefined) {
      throw new OidcError('id_token_invalid', 'the provider issued no ID token; is "openid" in the scope?')
    }
    if (response.id_token !== undefined) await checkSignature?.(response.id_token)
    // OIDC Core 12.2: a refreshed ID token is for the same user.
    if (held !== null && claims !== undefined && claims.sub !== held.user.id) {
      throw new OidcError('id_token_invalid', 'the refreshed ID token is for another subject')
    }
    let user = claims === undefined ? (held?.user ?? null) : userOf(claims)
    if (options.userInfo === true && as.userinfo_endpoint !== undefined) {
      const sub = claims?.sub ?? held?.user.id ?? oauth.skipSubjectCheck
      const info = await step('userinfo', now, async () =>
        oauth.processUserInfoResponse(
          as,
          client(now),
          sub,
          await oauth.userInfoRequest(as, client(now), response.access_token, http(signal)),
        ),
      )
      user = userOf({ ...(claims ?? held?.user ?? {}), sub: info.sub }, info)
    }
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token,
      idToken,
      expiresAt,
      ...(user === null ? {} : { user }),
    }
  }

  const navigate = (url: URL) => {
    if (options.navigate) return options.navigate(url)
    const location = (globalThis as { location?: { assign(url: string): void } }).location
    if (location === undefined) {
      throw new OidcError(
        'redirect_unavailable',
        'there is no window.location here: pass navigate, or use createSignInUrl',
      )
    }
    location.assign(url.href)
  }

  // `now` reads `Retry-After` on a failed discovery; the transaction's age is on the wall clock (it
  // spans two page loads, and the app may call `createSignInUrl` outside any client call).
  const startSignIn = async (params: OidcSignInParams, now: () => number): Promise<URL> => {
    const as = await provider(now)
    const codeVerifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    await transactions.save(state, { codeVerifier, nonce, redirectUri, createdAt: Date.now() })
    const url = new URL(as.authorization_endpoint)
    const query = new URLSearchParams({
      scope,
      ...options.authorizationParams,
      ...params,
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    })
    for (const [name, value] of query) url.searchParams.set(name, value)
    return url
  }

  const createSignInUrl = (params: OidcSignInParams = {}): Promise<URL> => startSignIn(params, () => Date.now())

  const isCallback = (value: string | URL): boolean => {
    let url: URL
    try {
      url = new URL(String(value))
    } catch {
      return false
    }
    const params = url.searchParams
    const expected = new URL(redirectUri)
    return (
      url.origin === expected.origin &&
      url.pathname === expected.pathname &&
      params.has('state') &&
      (params.has('code') || params.has('error'))
    )
  }

  const completeSignIn = async (callbackUrl: URL, ctx: AdapterContext): Promise<SessionInput> => {
    const { signal, now } = ctx
    const state = callbackUrl.searchParams.get('state')
    if (state === null || state === '') {
      throw new OidcError('state_mismatch', 'the callback URL has no state; it is not an answer to a sign-in')
    }
    if (!callbackUrl.searchParams.has('code') && !callbackUrl.searchParams.has('error')) {
      throw new OidcError('callback_invalid', 'the callback URL has neither a code nor an error')
    }
    const as = await provider(now)
    const transaction = await transactions.take(state, Date.now())
    const params = await step('callback', now, async () =>
      oauth.validateAuthResponse(as, client(now), callbackUrl, state),
    )
    const response = await step('token', now, async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        client(now),
        await oauth.authorizationCodeGrantRequest(
          as,
          client(now),
          oauth.None(),
          params,
          transaction.redirectUri,
          transaction.codeVerifier,
          http(signal),
        ),
        { expectedNonce: transaction.nonce, requireIdToken: true },
      ),
    )
    return toSession(as, response, null, ctx)
  }

  return {
    name: 'oidc',
    classify: classifyOidcError,
    createSignInUrl,
    isCallback,

    async signIn(credentials, ctx) {
      if (credentials !== undefined && 'callbackUrl' in credentials) {
        let url: URL
        try {
          url = new URL(String(credentials.callbackUrl))
        } catch {
          throw new OidcError('callback_invalid', 'callbackUrl is not a URL')
        }
        return completeSignIn(url, ctx)
      }
      const url = await startSignIn(credentials?.params ?? {}, ctx.now)
      // The page is leaving for the provider; the sign-in completes on the callback page. This
      // call settles only if the chart cancels it (a sign-out, another sign-in).
      return whileNotAborted(ctx.signal, () => {
        navigate(url)
        return new Promise<never>(() => undefined)
      })
    },

    async refresh(session, ctx) {
      const { signal, now } = ctx
      const refreshToken = session.refreshToken
      if (refreshToken === undefined) {
        throw new OidcHttpError('refresh', 400, { code: 'invalid_grant', description: 'no refresh token held' })
      }
      const as = await provider(now)
      // `force` needs nothing more: a provider answers every refresh_token grant afresh.
      const response = await step('refresh', now, async () =>
        oauth.processRefreshTokenResponse(
          as,
          client(now),
          await oauth.refreshTokenGrantRequest(as, client(now), oauth.None(), refreshToken, http(signal)),
        ),
      )
      return toSession(as, response, session, ctx)
    },

    ...(options.userInfo === true
      ? {
          // A restored session is checked where the provider can say no: its userinfo endpoint.
          async validate(session: Session, { signal, now }: AdapterContext) {
            const as = await provider(now)
            if (as.userinfo_endpoint === undefined) return {}
            const info = await step('userinfo', now, async () =>
              oauth.processUserInfoResponse(
                as,
                client(now),
                session.user.id,
                await oauth.userInfoRequest(as, client(now), session.accessToken, http(signal)),
              ),
            )
            return { user: userOf({ ...session.user, sub: info.sub }, info) }
          },
        }
      : {}),

    async signOut(session, { signal, now }) {
      const as = await provider(now)
      let revokeError: unknown = null
      if (options.revokeOnSignOut !== false && as.revocation_endpoint !== undefined && session.refreshToken) {
        const token = session.refreshToken
        revokeError = await step('revocation', now, async () =>
          oauth.processRevocationResponse(
            await oauth.revocationRequest(as, client(now), oauth.None(), token, http(signal)),
          ),
        ).then(
          () => null,
          (error: unknown) => error,
        )
      }
      if (postLogoutRedirectUri !== undefined && as.end_session_endpoint !== undefined) {
        const url = new URL(as.end_session_endpoint)
        url.searchParams.set('client_id', clientId)
        url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri)
        if (session.idToken !== undefined) url.searchParams.set('id_token_hint', session.idToken)
        navigate(url)
      }
      // The local sign-out and the provider's logout happen either way; the failed revocation is
      // still reported.
      if (revokeError !== null) throw revokeError
    },
  }
}
