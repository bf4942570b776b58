import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { InvalidOptionsError } from '../../errors.js'
import { BACKEND_FAILURES, type BackendControl, type BackendFailure } from '../AuthBackend.js'

/** Options of {@link createFaultProxy}. */
export interface FaultProxyOptions {
  /** The real server, e.g. `http://127.0.0.1:8787`. Requests go to it with their path and query. */
  target: string
  /** Port to listen on (on 127.0.0.1). Default 0: a free one. */
  port?: number
}

/** A scripted fault of the proxy: a {@link BackendFailure}, or a delay of `ms` real milliseconds. */
export type ProxyFault = BackendFailure | { delay: number }

/** An HTTP proxy between your adapter's `fetch` and your server that fails answers on cue. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to your adapter as its base URL. */
  readonly url: string
  /** Requests that reached the proxy so far. */
  readonly requests: number
  /** Every fault the proxy applied, in order, as `METHOD /path: fault`. */
  readonly log: ReadonlyArray<string>
  /** `'up'`, or `'down'` after `setNetwork('down')` until `setNetwork('up')`. */
  readonly network: 'up' | 'down'
  /** Connections the proxy destroyed because the network was down (open ones and new ones). */
  readonly networkCuts: number
  /**
   * Takes the network down or brings it back. While it is down, every connection that arrives
   * is destroyed at once, and going down destroys every connection already open (a request on
   * its way or a dropped one included): your client's `fetch` fails with a real network error
   * (a `TypeError` in Node and browsers), as when the device goes offline. Scripted faults stay
   * queued for the requests after the network returns.
   */
  setNetwork(state: 'up' | 'down'): void
  /** The next `count` requests get `fault` (queued after the faults already scripted). */
  failNext(count: number, fault: ProxyFault): void
  /** Throws if the target could not be reached since the last call, naming the target and the error. */
  check(): void
  /** Stops listening and cuts every connection (dropped requests included). */
  close(): Promise<void>
  /**
   * The moves of a scenario control the proxy makes: `failNext`, `network` (`setNetwork`) and
   * `check`. Spread it into your control: `control: { ...proxy.control, restart }`.
   */
  readonly control: Required<Pick<BackendControl, 'failNext' | 'network' | 'check'>>
}

const describeFault = (fault: ProxyFault) => (typeof fault === 'string' ? fault : `delay ${fault.delay} ms`)

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of `target`. Each request goes through unchanged
 * unless a fault is scripted for it: `5xx` answers 503, `429` answers 429 with `Retry-After: 1`,
 * `drop` never answers (the client's own timeout must end it), `reset` destroys the connection,
 * `commitThenLose` lets the server answer and then destroys the connection before the answer
 * leaves, `{ delay }` holds the answer that long. Faults apply in the order scripted, so a run is
 * the same for the same script. `setNetwork('down')` cuts every connection, open or new, until
 * `setNetwork('up')` (give it to the scenario control's `network` move). Node only: import it
 * from `authchart/testing/node`.
 *
 * @example
 * import { createFaultProxy } from 'authchart/testing/node'
 *
 * const proxy = await createFaultProxy({ target: server.url })
 * const adapter = createRestAdapter({ baseUrl: proxy.url })
 * const control = { ...proxy.control, restart: () => server.restart() } // for runAuthScenarios
 * proxy.failNext(1, '429') // the next request gets 429 with Retry-After
 * proxy.setNetwork('down') // every request fails with a network error (a fetch TypeError)
 * proxy.setNetwork('up')
 * await proxy.close()
 */
export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target)
  const faults: ProxyFault[] = []
  const log: string[] = []
  const sockets = new Set<Socket>()
  // Pending `{ delay }` faults: close() ends them, or their timers would keep the process alive.
  const delays = new Set<() => void>()
  let requests = 0
  let network: 'up' | 'down' = 'up'
  let networkCuts = 0
  let unreachable: Error | null = null

  // Each forwarded request has a connection of its own (`agent: false`). Through Node's shared
  // keep-alive agent, a request could go out on a pooled socket just as the target closed it for
  // idling (its keepAliveTimeout, 5 s in Node), and fail with "socket hang up": a fault no one
  // scripted, in the middle of a scenario.
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const { connection: _connection, ...headers } = req.headers
      const upstream = request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...headers, host: target.host },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          )
          res.on('error', reject)
        },
      )
      upstream.on('error', reject)
      upstream.end(body)
    })

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => resolve(Buffer.concat(chunks)))
      req.on('error', reject)
    })

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requests += 1
    const body = await readBody(req)
    const fault = faults.shift()
    if (fault !== undefined) log.push(`${req.method} ${req.url}: ${describeFault(fault)}`)
    if (fault === '5xx') return answer(res, 503, { error: 'server_error', error_description: 'fault proxy: 503' })
    if (fault === '429') {
      return answer(res, 429, { error: 'rate_limited', error_description: 'fault proxy: 429' }, { 'retry-after': '1' })
    }
    // Left open: the connection is cut when the client gives up or the proxy closes.
    if (fault === 'drop') return
    if (fault === 'reset') return req.socket.destroy()
    let upstream: Awaited<ReturnType<typeof forward>>
    try {
      upstream = await forward(req, body)
    } catch (error) {
      // The target took the connection and then cut it (a fault it was told to inject, as the
      // GoTrue emulator's `drop`): pass the cut on, as the network between them would.
      if ((error as { code?: unknown }).code === 'ECONNRESET') return req.socket.destroy()
      unreachable = new Error(
        `fault proxy: the target ${target.origin} could not be reached (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      )
      return answer(res, 502, { error: 'bad_gateway', error_description: 'fault proxy: target unreachable' })
    }
    // The network went down while the server answered: the connection is already gone.
    if (req.socket.destroyed) return
    if (fault === 'commitThenLose') return req.socket.destroy()
    if (typeof fault === 'object') {
      await new Promise<void>((resolve) => {
        const end = () => {
          clearTimeout(timer)
          delays.delete(end)
          resolve()
        }
        const timer = setTimeout(end, fault.delay)
        delays.add(end)
      })
      if (req.socket.destroyed) return
    }
    const headers = { ...upstream.headers }
    delete headers['transfer-encoding']
    delete headers.connection
    res.writeHead(upstream.status, headers)
    res.end(upstream.body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      unreachable = error instanceof Error ? error : new Error(String(error))
      if (!res.headersSent) answer(res, 502, { error: 'bad_gateway', error_description: 'fault proxy failed' })
      else res.destroy()
    })
  })
  server.on('connection', (socket) => {
    if (network === 'down') {
      networkCuts += 1
      socket.destroy()
      return
    }
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests
    },
    log,
    get network() {
      return network
    },
    get networkCuts() {
      return networkCuts
    },
    setNetwork(state) {
      if (state !== 'up' && state !== 'down') {
        throw new InvalidOptionsError(`setNetwork: the network is 'up' or 'down', got ${JSON.stringify(state)}`)
      }
      network = state
      if (state === 'up') return
      for (const socket of sockets) {
        networkCuts += 1
        socket.destroy()
      }
      sockets.clear()
      // A held answer would only find its connection gone: end the wait (and its timer) now.
      for (const end of delays) end()
    },
    failNext(count, fault) {
      // An unknown kind would pass requests through unharmed while the log says it failed them.
      const known =
        typeof fault === 'string'
          ? BACKEND_FAILURES.includes(fault)
          : typeof fault === 'object' && fault !== null && Number.isFinite(fault.delay) && fault.delay >= 0
      if (!known) throw new InvalidOptionsError(`failNext: no such fault ${JSON.stringify(fault)}`)
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new InvalidOptionsError(`failNext: count must be an integer ≥ 0, got ${String(count)}`)
      }
      for (let i = 0; i < count; i++) faults.push(fault)
    },
    check() {
      const error = unreachable
      unreachable = null
      if (error !== null) throw error
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        for (const socket of sockets) socket.destroy()
        for (const end of delays) end()
      })
    },
    control: {
      failNext: (count, failure) => proxy.failNext(count, failure),
      network: (state) => proxy.setNetwork(state),
      check: () => proxy.check(),
    },
  }
  return proxy
}
