import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import type { KoaContextWithOIDC } from 'oidc-provider'
import { completeInteraction } from './completeInteraction.js'
import { createOidcConfiguration, OIDC_ACCOUNTS } from './createOidcConfiguration.js'

export { OIDC_ACCOUNTS }

export interface OidcProviderOptions {
  /** Default 0: a free port of 127.0.0.1. */
  port?: number
  /** The public client's id. Default `authchart-demo`. */
  clientId?: string
  /** Access token lifetime in seconds. Default 30. */
  accessTokenTtl?: number
  /** ID token lifetime in seconds. Default 3600. */
  idTokenTtl?: number
  /**
   * Redirect and post-logout URIs of the client. Default `http://127.0.0.1/callback` and
   * `http://127.0.0.1/`: the client is `native`, so a loopback URI matches on any port.
   */
  redirectUris?: string[]
  postLogoutRedirectUris?: string[]
  /** Where log lines go (never a token or a code). Default: nowhere. */
  log?: (line: string) => void
}

/** One request that reached the token endpoint, as the provider saw it. */
export interface TokenRequest {
  grantType: string
  /** A SHA-256 prefix of the refresh token sent (never the token), or null for other grants. */
  refreshTokenHash: string | null
  status: number
  /** `invalid_grant` and the like, when the provider refused. */
  error: string | null
  /** `Date.now()` when it arrived. */
  at: number
}

/** A scripted answer the provider gives instead of handling the next matching request. */
export interface InjectedFault {
  status: number
  body: string
  contentType?: string
  headers?: Record<string, string>
}

export interface OidcProviderFixture {
  /** `http://127.0.0.1:<port>`: the issuer identifier. */
  issuer: string
  port: number
  clientId: string
  /** Every token endpoint request, oldest first. */
  tokenRequests(): readonly TokenRequest[]
  /** Token requests with `grant_type=refresh_token`. */
  refreshRequests(): readonly TokenRequest[]
  /** How many refresh requests sent a refresh token that an earlier request had already sent. */
  reusedRefreshTokens(): number
  /** The next `count` requests to `path` (e.g. `/token`) get `fault` instead of an answer. */
  injectFault(path: string, fault: InjectedFault, count?: number): void
  close(): Promise<void>
}

const hash = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 16)

/**
 * Starts `oidc-provider`, the certified OpenID Provider for Node, on 127.0.0.1: one public client
 * (PKCE required, `native` so a loopback redirect URI matches on any port), refresh-token rotation
 * on every use, short access tokens, no clock tolerance, and an interaction page that signs in
 * without a human (the account from `login_hint`, else `ada`) and grants what was asked. Every
 * token request is recorded, without its token, so tests can count refreshes and reuse.
 *
 * @example
 * const op = await startOidcProvider({ accessTokenTtl: 10 })
 * const adapter = createOidcAdapter({ issuer: op.issuer, clientId: op.clientId, redirectUri, allowInsecureRequests: true })
 * // …
 * op.refreshRequests().length
 * await op.close()
 */
export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<OidcProviderFixture> {
  const log = options.log ?? (() => undefined)
  const clientId = options.clientId ?? 'authchart-demo'
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`

  // oidc-provider warns once at import that Node 20 is not in its supported range; the flows
  // used here work on it (see docs/adapters/oidc.md).
  const { default: Provider } = await import('oidc-provider')
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'fixture', alg: 'RS256', use: 'sig' }
  const provider = new Provider(
    issuer,
    createOidcConfiguration({
      clientId,
      accessTokenTtl: options.accessTokenTtl ?? 30,
      idTokenTtl: options.idTokenTtl ?? 3600,
      redirectUris: options.redirectUris ?? ['http://127.0.0.1/callback', 'http://localhost/callback'],
      postLogoutRedirectUris: options.postLogoutRedirectUris ?? ['http://127.0.0.1/', 'http://localhost/'],
      signingKey,
    }),
  )

  const tokenRequests: TokenRequest[] = []
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next()
    if (ctx.method !== 'POST' || ctx.oidc?.route !== 'token') return
    const params = (ctx.oidc.params ?? {}) as Record<string, unknown>
    const refreshToken = typeof params.refresh_token === 'string' ? params.refresh_token : null
    const body = ctx.body as { error?: unknown } | undefined
    const entry: TokenRequest = {
      grantType: typeof params.grant_type === 'string' ? params.grant_type : 'unknown',
      refreshTokenHash: refreshToken === null ? null : hash(refreshToken),
      status: ctx.status,
      error: typeof body?.error === 'string' ? body.error : null,
      at: Date.now(),
    }
    tokenRequests.push(entry)
    log(`POST /token ${entry.grantType} -> ${entry.status}${entry.error === null ? '' : ` ${entry.error}`}`)
  })

  const faults = new Map<string, { fault: InjectedFault; left: number }>()
  const handle = provider.callback()
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname
    const scripted = faults.get(path)
    if (scripted) {
      if (--scripted.left <= 0) faults.delete(path)
      const { fault } = scripted
      res.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json', ...fault.headers })
      req.resume()
      res.end(fault.body)
      return
    }
    if (path.startsWith('/interaction/')) {
      completeInteraction(provider, req, res).catch((error: unknown) => {
        log(`interaction failed: ${error instanceof Error ? error.message : String(error)}`)
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' })
        res.end('interaction failed')
      })
      return
    }
    handle(req, res)
  })

  return {
    issuer,
    port,
    clientId,
    tokenRequests: () => tokenRequests,
    refreshRequests: () => tokenRequests.filter((r) => r.grantType === 'refresh_token'),
    reusedRefreshTokens() {
      const seen = new Set<string>()
      let reused = 0
      for (const { refreshTokenHash } of tokenRequests) {
        if (refreshTokenHash === null) continue
        if (seen.has(refreshTokenHash)) reused += 1
        seen.add(refreshTokenHash)
      }
      return reused
    },
    injectFault(path, fault, count = 1) {
      faults.set(path, { fault, left: count })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
