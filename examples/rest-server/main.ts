import { type ParseArgsConfig, parseArgs } from 'node:util'
import { startRestServer } from './startRestServer.js'

// The reference auth server as a process: `node --import tsx examples/rest-server/main.ts`.
// With no configuration it keeps its state in SQLite under .data/rest-server and listens on
// 127.0.0.1:8787. REDIS_URL (or --redis-url) switches to Redis; --ephemeral to memory.

const { values } = parseArgsOrExit({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'redis-url': { type: 'string' },
    ephemeral: { type: 'boolean', default: false },
    'allow-origin': { type: 'string', multiple: true },
    'access-token-ttl': { type: 'string' },
    'reuse-interval': { type: 'string' },
    // A parent that spawned us with a stdin pipe (a test) ends us by dying, even if it crashed.
    'exit-on-stdin-end': { type: 'boolean', default: false },
  },
})

// A usage mistake (an unknown flag, `--reuse-interval -1` read as a missing value) exits 2 with
// parseArgs's own message, as a bad value does, instead of a stack trace.
function parseArgsOrExit<const C extends ParseArgsConfig>(config: C): ReturnType<typeof parseArgs<C>> {
  try {
    return parseArgs(config)
  } catch (error) {
    process.stderr.write(`rest-server: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(2)
  }
}

// An empty variable (`REDIS_URL=`) means unset, as in a shell.
const text = (value: string | undefined) => (value === undefined || value === '' ? undefined : value)
const number = (value: string | undefined) => (text(value) === undefined ? undefined : Number(value))
// A bad value is the operator's mistake: say which and exit 2 (usage), before anything starts.
const seconds = (flag: string, value: string | undefined) => {
  if (text(value) === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(value ?? '')) return Number(value)
  process.stderr.write(`rest-server: ${flag} must be a number of seconds >= 0, got "${value}"\n`)
  process.exit(2)
}

const server = await startRestServer({
  port: number(values.port ?? process.env.PORT) ?? 8787,
  host: text(values.host ?? process.env.HOST),
  dataDir: text(values['data-dir'] ?? process.env.DATA_DIR),
  redisUrl: text(values['redis-url'] ?? process.env.REDIS_URL),
  ephemeral: values.ephemeral,
  allowedOrigins: values['allow-origin'] ?? text(process.env.ALLOWED_ORIGINS)?.split(','),
  accessTokenTtl: number(values['access-token-ttl'] ?? process.env.ACCESS_TOKEN_TTL),
  reuseInterval: seconds('--reuse-interval / REUSE_INTERVAL', values['reuse-interval'] ?? process.env.REUSE_INTERVAL),
})
process.stdout.write(`rest-server listening on ${server.url} (store: ${server.storeKind})\n`)
process.stdout.write('demo users: ada@example.com / lovelace, grace@example.com / hopper\n')

let stopping = false
const stop = (why: string) => {
  if (stopping) return
  stopping = true
  process.stderr.write(`rest-server stopping (${why})\n`)
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`rest-server: close failed: ${String(error)}\n`)
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
if (values['exit-on-stdin-end']) {
  process.stdin.on('end', () => stop('stdin closed')).resume()
}
