import { readFile } from 'node:fs/promises'
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bundlePages } from './bundlePages.js'
import { startRestServer, type RestServer } from '../rest-server/startRestServer.js'
import { type OidcProviderFixture, startOidcProvider } from '../oidc-provider/startOidcProvider.js'

export interface DemoOptions {
  /** Port of the page and API origin. Default 0: a free port. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** Access token lifetime in seconds. Default 30, so refreshes happen while you watch. */
  accessTokenTtl?: number
  /** The REST server's SQLite directory. Default `.data/demo`. */
  dataDir?: string
  /** Where log lines go (never tokens). Default stderr. */
  log?: (line: string) => void
  /**
   * For tests: hold each `POST /auth/refresh` this many milliseconds after it arrives and before
   * the REST server sees it, so refreshes that two tabs send at one due time certainly overlap.
   * Default 0: forwarded at once.
   */
  refreshDelayMs?: number
  /** Access token lifetime of the OIDC page's provider, in seconds. Default 30. */
  oidcAccessTokenTtl?: number
  /** The OIDC page client's `refreshMargin`, in ms. Default: the client's own. */
  oidcRefreshMargin?: number
}

/** One request that went through to the REST server, as the demo server saw it. */
export interface ProxiedRequest {
  method: string
  path: string
  status: number
  /** Whether an `Authorization: Bearer` header came with it; the token itself is not kept. */
  bearer: boolean
  /** When it reached the demo server: ms since the demo started (monotonic, sub-ms). */
  arrivedAt: number
  /** When the REST server's answer came back (`status` set), or null while it has none. */
  answeredAt: number | null
}

export interface Demo {
  /** `http://127.0.0.1:<port>/`: the React page; `vanilla` is the same page in plain JS. */
  url: string
  port: number
  /** Every request that reached the REST server, oldest first. */
  requests(): readonly ProxiedRequest[]
  /** How many requests of one kind reached the REST server, e.g. `count('POST /auth/refresh')`. */
  count(route: string): number
  /** The OpenID Provider the OIDC page signs in with (oidc-provider on its own port of 127.0.0.1). */
  oidc: OidcProviderFixture
  /** Closes the REST server and starts it again on the same store and port. */
  restartRestServer(): Promise<void>
  close(): Promise<void>
}

const pageFile = (name: string) => readFile(new URL(`./pages/${name}`, import.meta.url))
const API = /^\/(auth\/|\.well-known\/|healthz$)/

/**
 * Starts the browser demo: the reference REST server on its SQLite store, the two demo pages
 * (bundled with esbuild on start), and one origin in front of both, so the pages call the API
 * without CORS and nothing needs configuring. Every API request passes through here and is
 * counted, which is how the browser tests see how many refreshes reached the server.
 *
 * @example
 * const demo = await startDemo({ accessTokenTtl: 30 })
 * console.log(`open ${demo.url}`)
 * // …
 * await demo.close()
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const [assets, reactHtml, vanillaHtml, oidcHtml, oidcClientTsHtml, css] = await Promise.all([
    bundlePages(),
    pageFile('react.html'),
    pageFile('vanilla.html'),
    pageFile('oidc.html'),
    pageFile('oidcClientTs.html'),
    pageFile('style.css'),
  ])
  const restOptions = {
    accessTokenTtl: options.accessTokenTtl ?? 30,
    dataDir: options.dataDir ?? '.data/demo',
    log: (line: string) => log(`rest-server: ${line}`),
  }
  let rest: RestServer = await startRestServer(restOptions)
  const oidc = await startOidcProvider({
    accessTokenTtl: options.oidcAccessTokenTtl ?? 30,
    redirectUris: ['http://127.0.0.1/oidc', 'http://localhost/oidc', 'http://127.0.0.1/oidc-client-ts'],
    postLogoutRedirectUris: ['http://127.0.0.1/oidc', 'http://localhost/oidc', 'http://127.0.0.1/oidc-client-ts'],
    log: (line) => log(`oidc-provider: ${line}`),
  })
  let restarting: Promise<void> | undefined
  const seen: ProxiedRequest[] = []
  const startedAt = performance.now()
  const elapsed = () => performance.now() - startedAt
  const refreshDelayMs = options.refreshDelayMs ?? 0
  /** Refreshes held by `refreshDelayMs`, each with what `close` does to it. */
  const held = new Set<() => void>()

  const restartRestServer = () => {
    restarting ??= (async () => {
      const { port } = rest
      await rest.close()
      rest = await startRestServer({ ...restOptions, port })
      log(`rest-server restarted on port ${port} (store: ${rest.storeKind})`)
    })().finally(() => {
      restarting = undefined
    })
    return restarting
  }

  const send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' })
    res.end(body)
  }
  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
    res.end(JSON.stringify(body))
  }

  const forward = (req: IncomingMessage, res: ServerResponse, entry: ProxiedRequest) => {
    const { path } = entry
    const upstream = request(
      { host: '127.0.0.1', port: rest.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        entry.status = answer.statusCode ?? 502
        entry.answeredAt = elapsed()
        res.writeHead(entry.status, answer.headers)
        answer.pipe(res)
      },
    )
    // While the REST server restarts its port is closed. Answer as an overloaded server would,
    // 503 with Retry-After, which the client classifies as transient and retries: the user
    // stays signed in (seed 002).
    upstream.on('error', (error) => {
      entry.status = 503
      entry.answeredAt = elapsed()
      log(`${entry.method} ${path}: REST server unreachable (${error.message})`)
      if (!res.headersSent) sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '1' })
      else res.destroy()
    })
    req.pipe(upstream)
  }

  const proxy = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const entry: ProxiedRequest = {
      method: req.method ?? 'GET',
      path,
      status: 0,
      bearer: /^Bearer /i.test(req.headers.authorization ?? ''),
      arrivedAt: elapsed(),
      answeredAt: null,
    }
    seen.push(entry)
    if (refreshDelayMs > 0 && entry.method === 'POST' && path === '/auth/refresh') {
      // The body waits in the request stream, unread, until it is forwarded.
      const drop = () => {
        clearTimeout(timer)
        held.delete(drop)
        res.destroy()
      }
      const timer = setTimeout(() => {
        held.delete(drop)
        forward(req, res, entry)
      }, refreshDelayMs)
      held.add(drop)
      // The browser gave up on it while held (its tab took another tab's session, or closed):
      // forwarding its half-sent body would leave it unanswered for ever. It never reaches the
      // REST server; 499 is the status proxies log for a request the client closed.
      res.once('close', () => {
        if (!held.has(drop)) return
        clearTimeout(timer)
        held.delete(drop)
        entry.status = 499
        entry.answeredAt = elapsed()
      })
      return
    }
    forward(req, res, entry)
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const route = `${req.method} ${path}`
    if (API.test(path)) return proxy(req, res, path)
    if (route === 'GET /' || route === 'GET /react') return send(res, 200, 'text/html; charset=utf-8', reactHtml)
    if (route === 'GET /vanilla') return send(res, 200, 'text/html; charset=utf-8', vanillaHtml)
    if (route === 'GET /oidc') return send(res, 200, 'text/html; charset=utf-8', oidcHtml)
    if (route === 'GET /oidc-client-ts') return send(res, 200, 'text/html; charset=utf-8', oidcClientTsHtml)
    if (route === 'GET /demo/oidc-config')
      return sendJson(res, 200, {
        issuer: oidc.issuer,
        clientId: oidc.clientId,
        refreshMargin: options.oidcRefreshMargin ?? null,
      })
    if (route === 'GET /assets/style.css') return send(res, 200, 'text/css; charset=utf-8', css)
    const asset = req.method === 'GET' && path.startsWith('/assets/') ? assets.get(path.slice(8)) : undefined
    if (asset) return send(res, 200, asset.contentType, asset.body)
    if (route === 'POST /demo/restart') {
      const started = Date.now()
      restartRestServer().then(
        () => sendJson(res, 200, { restartedInMs: Date.now() - started, store: rest.storeKind }),
        (error: unknown) => {
          log(`restart failed: ${error instanceof Error ? error.message : String(error)}`)
          sendJson(res, 500, { error: 'restart_failed' })
        },
      )
      return
    }
    // Browsers ask for it; a 204 keeps a 404 out of the console.
    if (route === 'GET /favicon.ico') return send(res, 204, 'text/plain', '')
    if (route === 'GET /demo/requests') return sendJson(res, 200, seen)
    sendJson(res, 404, { error: 'not_found' })
  })

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
    })
  } catch (error) {
    await rest.close()
    await oidc.close()
    throw error
  }
  const { port, address } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://${address}:${port}/`,
    port,
    oidc,
    requests: () => seen,
    count: (route) => seen.filter((r) => `${r.method} ${r.path}` === route).length,
    restartRestServer,
    close() {
      closing ??= (async () => {
        for (const drop of held) drop()
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()))
          server.closeAllConnections()
        })
        await restarting
        await rest.close()
        await oidc.close()
      })()
      return closing
    },
  }
}
