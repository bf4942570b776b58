import * as z from 'zod/mini'
import { InvalidSessionError, StorageError } from './errors.js'
import { parseSession } from './parseSession.js'
import type { Session } from './Session.js'
import { userSchema } from './Session.js'
import type { SessionStorage } from './SessionStorage.js'

/** A session as it comes back from the store, with when its refresh token was received. */
export interface StoredSession {
  session: Session
  refreshTokenAt: number | null
}

/** What `read()` found: a session, nothing, and a corrupt value that was removed. */
export interface StoreReadResult {
  stored: StoredSession | null
  error: StorageError | null
}

/** The session store the client uses: parsed reads, ordered writes. */
export interface SessionStore {
  read(): Promise<StoreReadResult>
  write(session: Session, refreshTokenAt: number | null): Promise<void>
  clear(): Promise<void>
}

const STORE_VERSION = 1

const envelopeSchema = z.object({
  v: z.literal(STORE_VERSION),
  accessToken: z.string(),
  refreshToken: z.optional(z.string()),
  idToken: z.optional(z.string()),
  expiresAt: z.number(),
  user: userSchema,
  refreshTokenAt: z.nullable(z.number()),
})

// JSON.parse quotes the start of its input in its message, which could be a token; keep only
// the fact that it failed.
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    throw new InvalidSessionError('stored session is not JSON')
  }
}

/**
 * Parses a stored session record (as written by the store, or seen in a `storage` event).
 * Throws {@link InvalidSessionError} when it is not one.
 *
 * @example
 * const { session } = decodeStoredSession(localStorage.getItem('authchart.session') ?? '')
 */
export function decodeStoredSession(raw: string): StoredSession {
  const parsed = envelopeSchema.safeParse(parseJson(raw))
  if (!parsed.success) throw new InvalidSessionError('stored session is not a session record', { cause: parsed.error })
  const { refreshTokenAt, v: _v, ...input } = parsed.data
  return { session: parseSession(input, 'stored session'), refreshTokenAt }
}

function storageFailure(what: string, cause: unknown): StorageError {
  return new StorageError(`session storage ${what} failed`, { cause })
}

/**
 * Wraps a {@link SessionStorage} so that what it returns is parsed with zod, a corrupt value is
 * removed and reported, and writes land in the order they were made even on an async storage.
 *
 * @example
 * const store = createSessionStore(localStorage, 'authchart.session')
 * const { stored, error } = await store.read()
 */
export function createSessionStore(storage: SessionStorage, key: string): SessionStore {
  // Every write and removal goes through one queue, so a slow async setItem from a refresh can
  // never land after the removeItem of a later sign-out.
  let tail: Promise<void> = Promise.resolve()
  const enqueue = (what: string, op: () => void | Promise<void>): Promise<void> => {
    const run = tail.then(async () => {
      try {
        await op()
      } catch (cause) {
        throw storageFailure(what, cause)
      }
    })
    // The caller gets `run` and sees its failure; the queue itself only needs to move on.
    tail = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  return {
    async read() {
      await tail
      let raw: string | null
      try {
        raw = await storage.getItem(key)
      } catch (cause) {
        return { stored: null, error: storageFailure('read', cause) }
      }
      if (raw === null) return { stored: null, error: null }
      try {
        return { stored: decodeStoredSession(raw), error: null }
      } catch (cause) {
        const detail = cause instanceof InvalidSessionError ? cause.message : 'not a session record'
        const error = new StorageError(`the stored session was unreadable and has been removed (${detail})`, { cause })
        try {
          await enqueue('remove', () => storage.removeItem(key))
        } catch (removeError) {
          return { stored: null, error: new StorageError(error.message, { cause: removeError }) }
        }
        return { stored: null, error }
      }
    },
    write(session, refreshTokenAt) {
      const envelope: z.infer<typeof envelopeSchema> = {
        v: STORE_VERSION,
        accessToken: session.accessToken,
        refreshToken: session.refreshToken,
        idToken: session.idToken,
        expiresAt: session.expiresAt,
        user: session.user,
        refreshTokenAt,
      }
      return enqueue('write', () => storage.setItem(key, JSON.stringify(envelope)))
    },
    clear() {
      return enqueue('remove', () => storage.removeItem(key))
    },
  }
}
