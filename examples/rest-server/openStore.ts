import { createMemoryStore } from './createMemoryStore.js'
import { createRedisStore } from './createRedisStore.js'
import { createSqliteStore } from './createSqliteStore.js'
import type { RefreshTokenStore } from './RefreshTokenStore.js'

/** Where the server keeps its state. With none of them, SQLite in `.data/rest-server`. */
export interface StoreChoice {
  /** A store you built yourself. */
  store?: RefreshTokenStore
  /** Redis, for several instances (`REDIS_URL`). */
  redisUrl?: string
  /** The SQLite store's directory. Default `.data/rest-server`. */
  dataDir?: string
  /** Memory only: every restart signs everyone out. Must be asked for by name. */
  ephemeral?: boolean
}

export const DEFAULT_DATA_DIR = '.data/rest-server'

export const EPHEMERAL_WARNING = [
  '',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '!! WARNING: --ephemeral: refresh tokens and the signing key live in process memory only.',
  '!! Every restart of this server signs every user out: their refresh tokens become unknown',
  '!! and their access tokens stop verifying: users are logged out after every deploy. Never',
  '!! deploy it.',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '',
].join('\n')

/**
 * Opens the store the options name: a given store, Redis, memory (only with `ephemeral`, with a
 * loud warning), or the durable SQLite default. Asking for two at once is an error rather than
 * a guess, because silently picking the wrong one is how sessions get lost.
 *
 * @example
 * const store = await openStore({ redisUrl: process.env.REDIS_URL }, console.warn)
 */
export async function openStore(choice: StoreChoice, warn: (message: string) => void): Promise<RefreshTokenStore> {
  const chosen = [choice.store, choice.redisUrl, choice.ephemeral && !choice.store ? true : undefined].filter(
    (c) => c !== undefined,
  )
  if (chosen.length > 1) throw new Error('rest-server: choose one store: store, redisUrl or ephemeral')
  if (choice.store) {
    if (!choice.store.durable && !choice.ephemeral) {
      throw new Error(`rest-server: the ${choice.store.kind} store does not survive restarts; pass ephemeral: true`)
    }
    return choice.store
  }
  if (choice.redisUrl) return createRedisStore(choice.redisUrl)
  if (choice.ephemeral) {
    warn(EPHEMERAL_WARNING)
    return createMemoryStore()
  }
  return createSqliteStore(choice.dataDir ?? DEFAULT_DATA_DIR)
}
