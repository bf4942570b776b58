import type { AdapterContext, AuthAdapter, AuthUser, Session, SessionInput } from 'authchart'
import { InvalidOptionsError, InvalidSessionError, parseRetryAfter } from 'authchart'
import { classifyRestError } from './classifyRestError.js'
import { createTokenVerifier, type TokenVerificationOptions } from './createTokenVerifier.js'
import { parseTokenResponse, parseUserResponse } from './parseTokenResponse.js'
import { RestHttpError } from './RestHttpError.js'

/** The paths of the four endpoints, relative to `baseUrl`. `null` turns an optional one off. */
export interface RestEndpoints {
  /** `POST`, body: the credentials as JSON. Default `/auth/login`. */
  login: string
  /** `POST`, body: `{ refresh_token }` (none in cookie mode). Default `/auth/refresh`. */
  refresh: string
  /** `GET` with the bearer token; validates a restored session. Default `/auth/me`. */
  me: string | null
  /** `POST`, body: `{ refresh_token }` (none in cookie mode). Default `/auth/logout`. */
  logout: string | null
}

/** The operations a response can come from, as `parse` sees them. */
export type RestSessionOperation = 'signIn' | 'refresh' | 'restore'

/**
 * Options of {@link createRestAdapter}. Setting `jwks` turns on verification of every access
 * token (signature, `issuer`, `audience`, expiry with `clockTolerance`).
 */
export interface RestAdapterOptions extends Partial<TokenVerificationOptions> {
  /** Where the auth API lives, e.g. `https://api.example.com` or `/api` in a browser. */
  baseUrl: string | URL
  /** Endpoint paths; any left out keep their defaults. */
  endpoints?: Partial<RestEndpoints>
  /** The fetch to use; default the global one, read at call time. */
  fetch?: typeof fetch
  /** Extra headers for every request (an API key, a tenant); a function is called per request. */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>)
  /**
   * Turns a token response body into a session. Default: `{ access_token, refresh_token,
   * expires_in, user }` or its camelCase form. Throw `InvalidSessionError` for a bad body.
   */
  parse?: (body: unknown, context: { operation: RestSessionOperation; now: number }) => SessionInput
  /** Turns the `me` body into a user. Default: `{ user: { id, email } }` or the user itself. */
  parseUser?: (body: unknown) => AuthUser
  /**
   * Where the refresh token travels. `'body'` (default): in JSON bodies, held by the client.
   * `'cookie'`: only in an HttpOnly cookie the server sets, so JavaScript never sees it; requests
   * go with `credentials: 'include'` and `X-Refresh-Token-Delivery: cookie`.
   */
  mode?: 'body' | 'cookie'
  /** Fetch `credentials`; default `'include'` in cookie mode, else the fetch default. */
  credentials?: RequestCredentials
  /** The JSON field the refresh token is sent in. Default `refresh_token`. */
  refreshTokenField?: string
  /**
   * How long your server's refresh tokens live, in ms (the reference server: 30 days). A refresh
   * token younger than this that the server does not know is flagged as a suspected loss of the
   * server's store (`SessionExpiredError.suspectedStoreLoss`). Default: no limit.
   */
  refreshTokenLifetime?: number
}

/** Credentials are passed through to the login endpoint as they are. */
export type RestCredentials = Record<string, unknown>

const DEFAULT_ENDPOINTS: RestEndpoints = {
  login: '/auth/login',
  refresh: '/auth/refresh',
  me: '/auth/me',
  logout: '/auth/logout',
}

/** The header that asks for (and, on the reference server, permits) cookie delivery. */
export const COOKIE_DELIVERY_HEADER = 'X-Refresh-Token-Delivery'

// The time comes from the client (AdapterContext.now). A leftover `clock` is refused rather than
// ignored: ignored, a test that passed it only here would silently run on two clocks.
function rejectClockOption(options: object): void {
  if ((options as { clock?: unknown }).clock !== undefined) {
    throw new InvalidOptionsError(
      'createRestAdapter: the clock option was removed; the adapter reads the time from the client, so pass clock to createAuthClient instead',
    )
  }
}

function resolveUrl(baseUrl: string | URL, path: string): string {
  const base = String(baseUrl).replace(/\/+$/, '')
  if (/^https?:\/\//.test(path)) return path
  return `${base}/${path.replace(/^\/+/, '')}`
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const value = (body as Record<string, unknown>)[key]
  return typeof value === 'string' ? value : undefined
}

/**
 * Creates an {@link AuthAdapter} for a JSON auth API: your own backend, a FastAPI or Express
 * service, or `examples/rest-server`. Responses are parsed with zod, failures classified
 * (`invalid_grant`, 401 and 403 end the session; network, 5xx, 429 are retried, honouring
 * `Retry-After`), and the chart's `AbortSignal` cancels requests on sign-out.
 *
 * @example
 * import { createAuthClient } from 'authchart'
 * import { createRestAdapter } from 'authchart/rest'
 *
 * const auth = createAuthClient({
 *   adapter: createRestAdapter({
 *     baseUrl: 'https://api.example.com',
 *     jwks: 'https://api.example.com/.well-known/jwks.json',
 *     issuer: 'example-api',
 *   }),
 * }).start()
 * await auth.signIn({ email: 'ada@example.com', password: 'secret' })
 */
export function createRestAdapter(options: RestAdapterOptions): AuthAdapter<RestCredentials> {
  if (options.baseUrl === undefined || String(options.baseUrl) === '') {
    throw new InvalidOptionsError('createRestAdapter: baseUrl is required')
  }
  rejectClockOption(options)
  const lifetime = options.refreshTokenLifetime
  if (lifetime !== undefined && !(typeof lifetime === 'number' && lifetime > 0)) {
    throw new InvalidOptionsError('createRestAdapter: refreshTokenLifetime must be a positive number of milliseconds')
  }
  const endpoints = { ...DEFAULT_ENDPOINTS, ...options.endpoints }
  const cookieMode = options.mode === 'cookie'
  const credentials = options.credentials ?? (cookieMode ? 'include' : undefined)
  const refreshTokenField = options.refreshTokenField ?? 'refresh_token'
  const fetchImpl = () => options.fetch ?? globalThis.fetch
  const { jwks } = options
  const verify = jwks === undefined ? undefined : createTokenVerifier({ ...options, jwks }, fetchImpl)

  // `ctx.now` is the client's clock: `expires_in`, `Retry-After` and verification all read it.
  const request = async (
    operation: string,
    path: string,
    init: { method: 'GET' | 'POST'; body?: unknown; bearer?: string },
    { signal, now }: AdapterContext,
  ): Promise<{ body: unknown; arrivedAt: number }> => {
    const extra = typeof options.headers === 'function' ? await options.headers() : options.headers
    const headers = new Headers(extra)
    headers.set('Accept', 'application/json')
    if (init.body !== undefined) headers.set('Content-Type', 'application/json')
    if (init.bearer !== undefined) headers.set('Authorization', `Bearer ${init.bearer}`)
    if (cookieMode) headers.set(COOKIE_DELIVERY_HEADER, 'cookie')
    const response = await fetchImpl()(resolveUrl(options.baseUrl, path), {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials,
      signal,
    })
    const arrivedAt = now()
    const body = await readJson(response)
    if (!response.ok) {
      throw new RestHttpError(operation, response.status, {
        code: stringField(body, 'error') ?? stringField(body, 'code'),
        reason: stringField(body, 'reason') ?? stringField(body, 'error_code'),
        description: stringField(body, 'error_description') ?? stringField(body, 'message'),
        retryAfterMs: parseRetryAfter(response.headers, arrivedAt),
      })
    }
    return { body, arrivedAt }
  }

  const toSession = async (
    operation: RestSessionOperation,
    body: unknown,
    arrivedAt: number,
    ctx: AdapterContext,
  ): Promise<SessionInput> => {
    const what = operation === 'signIn' ? 'sign-in response' : `${operation} response`
    const session = options.parse
      ? options.parse(body, { operation, now: arrivedAt })
      : parseTokenResponse(body, what, arrivedAt)
    if (typeof session?.accessToken !== 'string') {
      throw new InvalidSessionError(`${what} has no access token`, { field: 'accessToken' })
    }
    if (verify) await verify(session.accessToken, ctx)
    // In cookie mode a refresh token in the body is dropped: keeping it in JavaScript-readable
    // storage is exactly what cookie mode exists to avoid.
    return cookieMode ? { ...session, refreshToken: undefined } : session
  }

  const refreshBody = (session: Session | null) =>
    cookieMode || session?.refreshToken === undefined ? {} : { [refreshTokenField]: session.refreshToken }

  return {
    name: 'rest',
    refreshesWithoutToken: cookieMode,
    ...(options.refreshTokenLifetime === undefined ? {} : { refreshTokenLifetime: options.refreshTokenLifetime }),
    classify: classifyRestError,

    async signIn(credentials, ctx) {
      const { body, arrivedAt } = await request('signIn', endpoints.login, { method: 'POST', body: credentials }, ctx)
      return toSession('signIn', body, arrivedAt, ctx)
    },

    async refresh(session, ctx) {
      if (!cookieMode && session.refreshToken === undefined) {
        throw new RestHttpError('refresh', 401, {
          code: 'invalid_grant',
          reason: 'no_refresh_token',
          description: 'no refresh token held',
        })
      }
      const { body, arrivedAt } = await request(
        'refresh',
        endpoints.refresh,
        { method: 'POST', body: refreshBody(session) },
        ctx,
      )
      return toSession('refresh', body, arrivedAt, ctx)
    },

    ...(endpoints.me === null
      ? {}
      : {
          async validate(session: Session, ctx: AdapterContext) {
            const path = endpoints.me as string
            const { body } = await request('validate', path, { method: 'GET', bearer: session.accessToken }, ctx)
            return { user: (options.parseUser ?? parseUserResponse)(body) }
          },
        }),

    ...(endpoints.logout === null
      ? {}
      : {
          async signOut(session: Session, ctx: AdapterContext) {
            const path = endpoints.logout as string
            await request(
              'signOut',
              path,
              { method: 'POST', body: refreshBody(session), bearer: session.accessToken },
              ctx,
            )
          },
        }),

    // Only a cookie can hold a session the client's storage does not know of (a new tab, a
    // cleared store): ask the server to refresh from it. No cookie, or a dead one, is no session.
    ...(cookieMode
      ? {
          async restore(ctx: AdapterContext) {
            try {
              const { body, arrivedAt } = await request('restore', endpoints.refresh, { method: 'POST', body: {} }, ctx)
              return await toSession('restore', body, arrivedAt, ctx)
            } catch (error) {
              if (error instanceof RestHttpError && classifyRestError(error) !== 'transient') return null
              throw error
            }
          },
        }
      : {}),
  }
}
