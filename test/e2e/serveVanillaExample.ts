import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, normalize, sep } from 'node:path'

/** The one account the fake backend accepts. */
const ACCOUNT = { email: 'ada@example.com', password: 'lovelace' }

/** What `GET /api/orders` answers with the current bearer. */
const ORDERS = { for: ACCOUNT.email, orders: [{ id: 'A-1001', item: 'Difference engine, one' }] }

/** One request the server answered. Tokens are never recorded, only whether one came and fit. */
export interface RecordedRequest {
  method: string
  path: string
  status: number
  bearer: 'none' | 'valid' | 'invalid'
}

export interface VanillaExampleServer {
  url: string
  /** The one account POST /api/login accepts. */
  account: { email: string; password: string }
  /** The body GET /api/orders answers with the current bearer. */
  orders: unknown
  requests(): RecordedRequest[]
  close(): Promise<void>
}

export interface VanillaExampleOptions {
  /** The page served at `/`. */
  html: string
  /** The built package (`tsc -p tsconfig.build.json --outDir <it>`), served as `node_modules/authchart/dist/`. */
  distDir: string
  /** The repository's `node_modules`, for `xstate`, `zod` and `jose`. */
  nodeModules: string
}

const JS = 'text/javascript; charset=utf-8'
const random = () => randomBytes(24).toString('base64url')
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * An access token: authchart decodes (never verifies) the claims of every access token, so it
 * must be a well-formed JWT. Unsigned here: the signature part is random bytes.
 */
const accessToken = (sub: string, expiresIn: number) => {
  const iat = Math.floor(Date.now() / 1000)
  const claims = { sub, iat, exp: iat + expiresIn, jti: random() }
  return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.${random()}`
}

/**
 * Serves the vanilla example page, the files its import map names, and a fake REST backend on
 * a free port of 127.0.0.1: POST /api/login (one account, 401 otherwise), POST /api/refresh
 * (rotates both tokens; an old refresh token is refused), GET /api/orders (200 only with the
 * current access token as a bearer, 401 otherwise).
 */
export async function serveVanillaExample({
  html,
  distDir,
  nodeModules,
}: VanillaExampleOptions): Promise<VanillaExampleServer> {
  const log: RecordedRequest[] = []
  let current: { accessToken: string; refreshToken: string } | null = null

  const issue = () => {
    const expiresIn = 3600
    current = { accessToken: accessToken('u-1', expiresIn), refreshToken: random() }
    return {
      access_token: current.accessToken,
      refresh_token: current.refreshToken,
      expires_in: expiresIn,
      user: { id: 'u-1', email: ACCOUNT.email },
    }
  }

  /** `root` joined with `rest`, or null when `rest` climbs out of `root`. */
  const inside = (root: string, rest: string) => {
    const path = normalize(join(root, rest))
    return path.startsWith(root + sep) ? path : null
  }

  const staticFile = (path: string): string | null => {
    const own = /^\/node_modules\/authchart\/dist\/(.+)$/.exec(path)
    if (own?.[1]) return inside(distDir, own[1])
    const dep = /^\/node_modules\/(xstate|zod|jose)\/(.+)$/.exec(path)
    if (dep?.[1] && dep[2]) return inside(join(nodeModules, dep[1]), dep[2])
    return null
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET'
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    const authorization = req.headers.authorization
    const bearer: RecordedRequest['bearer'] = !authorization
      ? 'none'
      : current !== null && authorization === `Bearer ${current.accessToken}`
        ? 'valid'
        : 'invalid'
    const send = (status: number, type: string, body: string) => {
      log.push({ method, path, status, bearer })
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
      res.end(body)
    }
    const json = (status: number, body: unknown) => send(status, 'application/json', JSON.stringify(body))
    const readJson = async (): Promise<Record<string, unknown>> => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      try {
        return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      } catch {
        return {}
      }
    }

    if (method === 'GET' && path === '/') return send(200, 'text/html; charset=utf-8', html)
    // Chromium asks for it on its own; a 404 would log a console error the page did not cause.
    if (method === 'GET' && path === '/favicon.ico') return send(204, 'image/x-icon', '')
    if (method === 'POST' && path === '/api/login') {
      const body = await readJson()
      if (body.email === ACCOUNT.email && body.password === ACCOUNT.password) return json(200, issue())
      return json(401, { error: 'invalid_credentials' })
    }
    if (method === 'POST' && path === '/api/refresh') {
      const body = await readJson()
      if (current !== null && body.refresh_token === current.refreshToken) return json(200, issue())
      return json(401, { error: 'invalid_grant' })
    }
    if (method === 'GET' && path === '/api/orders') {
      return bearer === 'valid' ? json(200, ORDERS) : json(401, { error: 'unauthorized' })
    }
    const file = method === 'GET' ? staticFile(path) : null
    if (file !== null && file.endsWith('.js')) {
      const body = await readFile(file, 'utf8').catch(() => null)
      if (body !== null) return send(200, JS, body)
    }
    return send(404, 'text/plain; charset=utf-8', 'not found')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.push({ method: req.method ?? '?', path: req.url ?? '?', status: 500, bearer: 'none' })
      res.writeHead(500).end(String(error))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    account: { ...ACCOUNT },
    orders: ORDERS,
    requests: () => log.map((entry) => ({ ...entry })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
