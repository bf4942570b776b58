import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as z from 'zod/mini'
import { createTokenService, type RefreshRefusal, type TokenService, type TokenSet } from './createTokenService.js'
import { openStore, type StoreChoice } from './openStore.js'

export interface RestServerOptions extends StoreChoice {
  /** Default 0: a free port. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** The `iss` of access tokens; keep it stable across restarts. Default `authchart-rest-server`. */
  issuer?: string
  /** The `aud` of access tokens. Default `authchart`. */
  audience?: string
  /** Access token lifetime in seconds. Default 900. */
  accessTokenTtl?: number
  /** Refresh token lifetime in seconds. Default 30 days. */
  refreshTokenTtl?: number
  /**
   * Seconds after a rotation during which the spent refresh token, presented again, gets the
   * same successor back instead of revoking its family: the client never got the rotation's
   * answer (a dropped connection, a crash) and is retrying. Default 10, as GoTrue's
   * `GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL`; 0 turns it off.
   */
  reuseInterval?: number
  /** email → password. Default: `ada@example.com` / `lovelace` and `grace@example.com` / `hopper`. */
  users?: Record<string, string>
  /** Origins allowed to call with credentials (a browser app on another port). Default none. */
  allowedOrigins?: string[]
  /** Mark the refresh cookie `Secure`. Default false, since the server speaks plain HTTP. */
  secureCookies?: boolean
  /** Where log lines go; they never contain tokens. Default stderr. */
  log?: (line: string) => void
  /** The server's time, for tests on fake time. Default `Date`. */
  clock?: { now(): number }
}

export interface RestServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  /** The store's kind: `sqlite`, `redis` or `memory`. */
  storeKind: string
  close(): Promise<void>
}

export const DEMO_USERS: Record<string, string> = {
  'ada@example.com': 'lovelace',
  'grace@example.com': 'hopper',
}

export const DEFAULT_REUSE_INTERVAL = 10

export const REFRESH_COOKIE = 'authchart_refresh'
const COOKIE_HEADER = 'x-refresh-token-delivery'
const MAX_BODY = 64 * 1024

const loginSchema = z.object({ email: z.string().check(z.minLength(1)), password: z.string().check(z.minLength(1)) })
const refreshSchema = z.object({ refresh_token: z.optional(z.string().check(z.minLength(1))) })
const claimsSchema = z.object({ claims: z.record(z.string(), z.unknown()) })

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description)
  }
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) reject(new HttpFailure(413, 'invalid_request', 'body too large'))
      else chunks.push(chunk)
    })
    req.on('error', reject)
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (text.trim() === '') return resolve({})
      try {
        resolve(JSON.parse(text))
      } catch {
        reject(new HttpFailure(400, 'invalid_request', 'body is not JSON'))
      }
    })
  })
}

// A cross-site form or `fetch` without CORS can only send text/plain, form-encoded or multipart
// bodies ("simple" requests, no preflight). Requiring JSON makes the browser ask first, so a
// page on another origin cannot log a visitor in or spend their refresh token.
function requireJson(req: IncomingMessage) {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new HttpFailure(415, 'invalid_request', 'Content-Type must be application/json')
  }
}

function parse<T>(schema: z.ZodMiniType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new HttpFailure(400, 'invalid_request', `invalid ${issue?.path.join('.') || 'body'}`)
  }
  return result.data
}

function cookies(req: IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>()
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0) jar.set(part.slice(0, at).trim(), decodeURIComponent(part.slice(at + 1).trim()))
  }
  return jar
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  return match?.[1]
}

/**
 * Starts the reference auth server: `POST /auth/login`, `POST /auth/refresh`, `GET /auth/me`,
 * `POST /auth/logout`, `POST /auth/claims` and `GET /.well-known/jwks.json`. Access tokens are
 * ES256 JWTs; refresh tokens rotate on every use, and reusing a spent one revokes its family,
 * unless it comes back within `reuseInterval` while its successor is unspent (a lost answer):
 * then it gets that successor again. Login and refresh take JSON only (415 otherwise).
 * State lives in SQLite under `dataDir` unless `redisUrl` or `ephemeral` says otherwise, so a
 * restart signs nobody out. Binds 127.0.0.1 on a free port unless told otherwise.
 *
 * @example
 * const server = await startRestServer({ dataDir: '.data/rest-server' })
 * const auth = createAuthClient({ adapter: createRestAdapter({ baseUrl: server.url }) }).start()
 * // ...
 * await server.close()
 */
export async function startRestServer(options: RestServerOptions = {}): Promise<RestServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const { clock } = options
  const reuseInterval = options.reuseInterval ?? DEFAULT_REUSE_INTERVAL
  if (!Number.isFinite(reuseInterval) || reuseInterval < 0) {
    throw new RangeError(`rest-server: reuseInterval must be a number of seconds >= 0, got ${reuseInterval}`)
  }
  const store = await openStore(options, log)
  let tokens: TokenService
  try {
    tokens = await createTokenService({
      store,
      issuer: options.issuer ?? 'authchart-rest-server',
      audience: options.audience ?? 'authchart',
      accessTokenTtl: options.accessTokenTtl ?? 900,
      refreshTokenTtl: options.refreshTokenTtl ?? 30 * 86_400,
      users: options.users ?? DEMO_USERS,
      reuseInterval,
      ...(clock ? { now: () => clock.now() } : {}),
    })
  } catch (error) {
    await store.close()
    throw error
  }
  const allowedOrigins = new Set(options.allowedOrigins ?? [])
  const cookieAttributes = `HttpOnly; SameSite=Strict; Path=/auth${options.secureCookies ? '; Secure' : ''}`

  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string | string[]> = {},
  ) => {
    res.writeHead(status, {
      'Cache-Control': 'no-store',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    })
    res.end(body === undefined ? undefined : JSON.stringify(body))
  }

  // Cookie delivery is chosen per request by a header that a cross-site form or image cannot
  // send, so the header doubles as the CSRF check for cookie-authenticated refresh and logout.
  const wantsCookie = (req: IncomingMessage) => req.headers[COOKIE_HEADER] === 'cookie'

  const sendTokens = (req: IncomingMessage, res: ServerResponse, set: TokenSet) => {
    const body = {
      access_token: set.accessToken,
      token_type: 'Bearer',
      expires_in: set.expiresIn,
      user: set.user,
      ...(wantsCookie(req) ? {} : { refresh_token: set.refreshToken }),
    }
    const maxAge = options.refreshTokenTtl ?? 30 * 86_400
    const headers: Record<string, string> = wantsCookie(req)
      ? { 'Set-Cookie': `${REFRESH_COOKIE}=${set.refreshToken}; Max-Age=${maxAge}; ${cookieAttributes}` }
      : {}
    send(res, 200, body, headers)
  }
  const clearCookie: Record<string, string> = { 'Set-Cookie': `${REFRESH_COOKIE}=; Max-Age=0; ${cookieAttributes}` }

  const presentedRefreshToken = async (req: IncomingMessage) => {
    const { refresh_token } = parse(refreshSchema, await readBody(req))
    if (refresh_token !== undefined) return refresh_token
    return wantsCookie(req) ? cookies(req).get(REFRESH_COOKIE) : undefined
  }

  const authenticated = async (req: IncomingMessage) => {
    const token = bearer(req)
    const who = token === undefined ? null : await tokens.authenticate(token)
    if (!who) throw new HttpFailure(401, 'invalid_token', 'missing, invalid or revoked access token')
    return who
  }

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    'POST /auth/login': async (req, res) => {
      requireJson(req)
      const { email, password } = parse(loginSchema, await readBody(req))
      const set = await tokens.login(email, password)
      if (!set) throw new HttpFailure(401, 'invalid_credentials', 'wrong email or password')
      log(`login ok user=${set.user.id}`)
      sendTokens(req, res, set)
    },
    'POST /auth/refresh': async (req, res) => {
      requireJson(req)
      const token = await presentedRefreshToken(req)
      const result: TokenSet | RefreshRefusal =
        token === undefined
          ? { error: 'invalid_grant', reason: 'refresh_token_missing', description: 'no refresh token presented' }
          : await tokens.refresh(token)
      if ('error' in result) {
        log(`refresh refused: ${result.reason}: ${result.description}`)
        send(
          res,
          401,
          { error: result.error, reason: result.reason, error_description: result.description },
          wantsCookie(req) ? clearCookie : {},
        )
        return
      }
      if (result.replayed) log(`refresh replayed within the reuse interval user=${result.user.id}`)
      sendTokens(req, res, result)
    },
    'GET /auth/me': async (req, res) => {
      const who = await authenticated(req)
      send(res, 200, { user: { id: who.userId, email: who.email }, claims: await tokens.claims(who.userId) })
    },
    'POST /auth/logout': async (req, res) => {
      const token = await presentedRefreshToken(req)
      const access = bearer(req)
      const who = access === undefined ? null : await tokens.authenticate(access)
      await tokens.logout(token, who?.familyId)
      send(res, 204, undefined, wantsCookie(req) ? clearCookie : {})
    },
    'POST /auth/claims': async (req, res) => {
      const who = await authenticated(req)
      const { claims } = parse(claimsSchema, await readBody(req))
      try {
        send(res, 200, { claims: await tokens.updateClaims(who.userId, claims) })
      } catch (error) {
        if (error instanceof RangeError) throw new HttpFailure(400, 'invalid_request', error.message)
        throw error
      }
    },
    'GET /.well-known/jwks.json': async (_req, res) => {
      send(res, 200, tokens.jwks, { 'Cache-Control': 'public, max-age=300' })
    },
    'GET /healthz': async (_req, res) => {
      send(res, 200, { ok: true, store: store.kind, durable: store.durable })
    },
  }

  const cors = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin
    if (origin === undefined || !allowedOrigins.has(origin)) return {}
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Headers': `Content-Type, Authorization, ${COOKIE_HEADER}`,
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      Vary: 'Origin',
    }
  }

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(cors(req))) res.setHeader(name, value)
    if (req.method === 'OPTIONS') return send(res, 204)
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const route = routes[`${req.method} ${path}`]
    if (!route) return send(res, 404, { error: 'not_found', error_description: `no route ${req.method} ${path}` })
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpFailure) {
        send(res, error.status, { error: error.error, error_description: error.description })
        return
      }
      // A store that cannot answer is an outage, not a verdict on the token: 503, so clients
      // retry instead of signing the user out (seed 002).
      log(`${req.method} ${path} failed: ${error instanceof Error ? error.message : String(error)}`)
      if (!res.headersSent) send(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '1' })
      else res.destroy()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port, address } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    port,
    storeKind: store.kind,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }).finally(() => store.close())
      return closing
    },
  }
}
