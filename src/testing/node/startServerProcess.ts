import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

/** Options of {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** The program, e.g. `process.execPath`. */
  command: string
  /** Its arguments; `{port}` in any of them becomes the port (the same on every restart). */
  args: ReadonlyArray<string>
  /** Seen on stdout or stderr once the server is ready. Default `/listening/i`. */
  ready?: RegExp
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** How long a start may take before it fails, in ms. Default 20 000. */
  startTimeoutMs?: number
}

/** A server running as its own process, on one port across restarts. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Everything the process wrote (stdout and stderr), across restarts. */
  readonly log: ReadonlyArray<string>
  /** Stops the process (SIGTERM, or SIGKILL for a crash) and starts a new one on the same port. */
  restart(signal?: NodeJS.Signals): Promise<void>
  /** Stops the process; resolves once it has exited. */
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
// Whatever ends the test process (a crash, a timeout), no server outlives it.
let hooked = false
const hookExit = () => {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

const exited = (child: ChildProcess, signal: NodeJS.Signals) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill(signal)
      })

/**
 * Runs your server as a real process on 127.0.0.1 and a free port, and restarts it on that same
 * port: what a scenario's `restart` move does to a real backend (a new process knows only what
 * its store kept). Killed when the test process exits, whatever happens. Node only.
 *
 * @example
 * import { startServerProcess } from 'authchart/testing/node'
 *
 * const server = await startServerProcess({
 *   command: process.execPath,
 *   args: ['--import', 'tsx', 'examples/rest-server/main.ts', '--port', '{port}', '--exit-on-stdin-end'],
 * })
 * await server.restart('SIGKILL') // a crash
 * await server.stop()
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  hookExit()
  const port = await freePort()
  const log: string[] = []
  const ready = options.ready ?? /listening/i
  let child: ChildProcess | undefined

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const next = spawn(
        options.command,
        options.args.map((arg) => arg.replaceAll('{port}', String(port))),
        { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] },
      )
      running.add(next)
      next.once('exit', () => running.delete(next))
      let seen = ''
      const timer = setTimeout(() => {
        next.kill('SIGKILL')
        reject(
          new Error(`${options.command} did not become ready within ${options.startTimeoutMs ?? 20_000} ms:\n${seen}`),
        )
      }, options.startTimeoutMs ?? 20_000)
      const onData = (chunk: Buffer) => {
        const text = chunk.toString()
        log.push(text)
        seen += text
        if (ready.test(seen)) {
          clearTimeout(timer)
          next.off('exit', onExit)
          child = next
          resolve()
        }
      }
      const onExit = (code: number | null) => {
        clearTimeout(timer)
        reject(new Error(`${options.command} exited (${code}) before it was ready:\n${seen}`))
      }
      next.stdout?.on('data', onData)
      next.stderr?.on('data', onData)
      next.once('exit', onExit)
      next.once('error', onExit)
    })

  await start()
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    async restart(signal = 'SIGTERM') {
      if (child) await exited(child, signal)
      await start()
    },
    async stop() {
      if (child) await exited(child, 'SIGTERM')
    },
  }
}
