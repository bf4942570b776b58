import * as z from 'zod/mini'
import { StorageError } from './errors.js'
import type { Session } from './Session.js'

/**
 * Which refresh token is the profile's latest, without the token: a SHA-256 fingerprint of it and
 * the times that order sessions. Enough for a tab under the refresh lock to know its own refresh
 * token was rotated by another tab, and which stored session to take instead.
 */
export interface RotationStamp {
  /** base64url SHA-256 of the refresh token; null for a session without one. */
  fingerprint: string | null
  expiresAt: number
  iat: number | null
  refreshTokenAt: number | null
}

/** The profile's strongly consistent record of the latest rotation (IndexedDB). */
export interface RotationRecord {
  read(): Promise<RotationStamp | null>
  write(session: Session, refreshTokenAt: number | null): Promise<void>
  /** Deleted on sign-out and expiry: no record outlives its session. */
  clear(): Promise<void>
  fingerprint(refreshToken: string | undefined): Promise<string | null>
}

interface IdbLike {
  open(name: string, version: number): IDBOpenDBRequest
}

interface SubtleLike {
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>
}

const STORE = 'rotation'
const RECORD_VERSION = 2

const stampSchema = z.object({
  v: z.literal(RECORD_VERSION),
  fingerprint: z.nullable(z.string()),
  expiresAt: z.number(),
  iat: z.nullable(z.number()),
  refreshTokenAt: z.nullable(z.number()),
})

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

function base64url(bytes: ArrayBuffer): string {
  let text = ''
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte)
  // Stryker disable next-line Regex: equivalent, the base64 of a SHA-256 digest ends in exactly one "=" and has no other
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Keeps which refresh token is the latest in IndexedDB, read and written inside the refresh lock.
 * In Chromium a `localStorage` write made just before a tab releases a Web Lock is often not yet
 * visible to the next tab that takes it, so a tab re-reading `localStorage` could miss a rotation
 * and send a spent refresh token; a committed IndexedDB transaction is visible to the next holder.
 *
 * The record holds a fingerprint, never a token, and is deleted on sign-out and expiry. Returns
 * null where there is no IndexedDB or no `crypto.subtle` (an insecure context): the session store
 * is then the only record.
 *
 * @example
 * const record = createRotationRecord('authchart.session')
 * await record?.write(session, Date.now())
 */
export function createRotationRecord(key: string, idb?: IdbLike, subtle?: SubtleLike): RotationRecord | null {
  const factory = idb ?? (globalThis as { indexedDB?: IdbLike }).indexedDB
  const hasher = subtle ?? (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle
  if (!factory || !hasher) return null
  let db: Promise<IDBDatabase> | null = null
  const open = () => {
    db ??= new Promise((resolve, reject) => {
      const req = factory.open('authchart', 1)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE)
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
    return db
  }
  const failure = (what: string) => (cause: unknown) => {
    throw new StorageError(`the IndexedDB rotation record could not be ${what}`, { cause })
  }
  // Resolved on commit, not on the request: the next lock holder must see it.
  const commit = (change: (store: IDBObjectStore) => void) =>
    open().then(
      (d) =>
        new Promise<void>((resolve, reject) => {
          const tx = d.transaction(STORE, 'readwrite')
          change(tx.objectStore(STORE))
          tx.oncomplete = () => resolve()
          tx.onerror = () => reject(tx.error)
          tx.onabort = () => reject(tx.error)
        }),
    )
  const fingerprint = async (refreshToken: string | undefined) =>
    refreshToken === undefined
      ? null
      : base64url(await hasher.digest('SHA-256', new TextEncoder().encode(refreshToken)))

  return {
    fingerprint,
    async read() {
      const raw = await open()
        .then((d) => request<unknown>(d.transaction(STORE, 'readonly').objectStore(STORE).get(key)))
        .catch(failure('read'))
      if (raw === undefined) return null
      const parsed = typeof raw === 'string' ? stampSchema.safeParse(safeJson(raw)) : null
      if (parsed?.success) {
        const { v: _v, ...stamp } = parsed.data
        return stamp
      }
      // An older version's record held a whole session, tokens included: remove it, then report.
      await commit((store) => store.delete(key)).catch(failure('removed'))
      throw new StorageError('the IndexedDB rotation record was not a rotation stamp and has been removed')
    },
    async write(session, refreshTokenAt) {
      const stamp = {
        v: RECORD_VERSION,
        fingerprint: await fingerprint(session.refreshToken),
        expiresAt: session.expiresAt,
        iat: session.claims.iat ?? null,
        refreshTokenAt,
      }
      await commit((store) => store.put(JSON.stringify(stamp), key)).catch(failure('written'))
    },
    async clear() {
      await commit((store) => store.delete(key)).catch(failure('removed'))
    },
  }
}

// A corrupt record is reported by the schema check, never by JSON.parse's message.
function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}
