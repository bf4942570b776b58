import { DEFAULT_DATA_DIR } from './openStore.js'
import { DEFAULT_REUSE_INTERVAL, type RestServerOptions } from './startRestServer.js'

/** How a flag's text becomes a value: `number` is whole, `seconds` may have a fraction. */
export type FlagKind = 'number' | 'seconds' | 'string' | 'list' | 'boolean'

/** One command-line flag of the reference server: the parser and `--help` are both built from these. */
export interface RestServerFlag {
  /** The flag without its dashes: `port` is `--port`. */
  name: string
  /** The environment variable read when the flag is absent. Booleans have none. */
  env?: string
  kind: FlagKind
  /** The default as `--help` prints it; the server applies it (`option`) or it is the flag's own. */
  default?: string | number | boolean
  /** The `startRestServer` option the value goes to; none for flags the process itself handles. */
  option?: keyof RestServerOptions
  /** One line for `--help`. */
  description: string
}

// The one table of flags. A new flag is one row here (and the option it feeds in startRestServer).
export const REST_SERVER_FLAGS: readonly RestServerFlag[] = [
  {
    name: 'port',
    env: 'PORT',
    kind: 'number',
    default: 8787,
    option: 'port',
    description: 'port to listen on; 0 picks a free one',
  },
  {
    name: 'host',
    env: 'HOST',
    kind: 'string',
    default: '127.0.0.1',
    option: 'host',
    description: 'address to listen on',
  },
  {
    name: 'data-dir',
    env: 'DATA_DIR',
    kind: 'string',
    default: DEFAULT_DATA_DIR,
    option: 'dataDir',
    description: "the SQLite store's directory (created 0700, its file 0600)",
  },
  {
    name: 'redis-url',
    env: 'REDIS_URL',
    kind: 'string',
    option: 'redisUrl',
    description: 'keep state in Redis instead of SQLite',
  },
  {
    name: 'ephemeral',
    kind: 'boolean',
    default: false,
    option: 'ephemeral',
    description: 'keep state in memory: every restart signs every user out',
  },
  {
    name: 'allow-origin',
    env: 'ALLOWED_ORIGINS',
    kind: 'list',
    option: 'allowedOrigins',
    description: 'origin allowed to call with credentials (CORS); repeat the flag, or comma-separate the env',
  },
  {
    name: 'access-token-ttl',
    env: 'ACCESS_TOKEN_TTL',
    kind: 'number',
    default: 900,
    option: 'accessTokenTtl',
    description: 'access token lifetime, in seconds',
  },
  {
    name: 'reuse-interval',
    env: 'REUSE_INTERVAL',
    kind: 'seconds',
    default: DEFAULT_REUSE_INTERVAL,
    option: 'reuseInterval',
    description: 'seconds a rotated refresh token still gets its successor (a lost answer); 0 turns it off',
  },
  {
    name: 'exit-on-stdin-end',
    kind: 'boolean',
    default: false,
    description: 'exit when stdin closes (tests use it so that nothing outlives them)',
  },
  { name: 'help', kind: 'boolean', default: false, description: 'print this help and exit' },
]
