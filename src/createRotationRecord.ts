import { decodeStoredSession, type StoredSession } from './createSessionStore.js'
import { StorageError } from './errors.js'
import type { Session } from './Session.js'

/** The latest session a tab obtained, shared by the tabs of one profile with strong consistency. */
export interface RotationRecord {
  read(): Promise<StoredSession | null>
  write(session: Session, refreshTokenAt: number | null): Promise<void>
}

interface IdbLike {
  open(name: string, version: number): IDBOpenDBRequest
}

const STORE = 'rotation'

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

/**
 * Keeps the latest session in IndexedDB, read and written inside the refresh lock. In Chromium a
 * `localStorage` write made just before a tab releases a Web Lock is often not yet visible to the
 * next tab that takes it, so a tab re-reading `localStorage` could miss a rotation and send a
 * spent refresh token; a committed IndexedDB transaction is visible to the next holder. Returns
 * null where there is no IndexedDB (the session store is then the only record).
 *
 * @example
 * const record = createRotationRecord('authchart.session')
 * await record?.write(session, Date.now())
 */
export function createRotationRecord(key: string, idb?: IdbLike): RotationRecord | null {
  const factory = idb ?? (globalThis as { indexedDB?: IdbLike }).indexedDB
  if (!factory) return null
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
  return {
    async read() {
      const raw = await open()
        .then((d) => request<unknown>(d.transaction(STORE, 'readonly').objectStore(STORE).get(key)))
        .catch(failure('read'))
      return typeof raw === 'string' ? decodeStoredSession(raw) : null
    },
    async write(session, refreshTokenAt) {
      const { accessToken, refreshToken, idToken, expiresAt, user } = session
      const raw = JSON.stringify({ v: 1, accessToken, refreshToken, idToken, expiresAt, user, refreshTokenAt })
      await open()
        .then(
          (d) =>
            new Promise<void>((resolve, reject) => {
              const tx = d.transaction(STORE, 'readwrite')
              tx.objectStore(STORE).put(raw, key)
              // Resolved on commit, not on the put: the next lock holder must see it.
              tx.oncomplete = () => resolve()
              tx.onerror = () => reject(tx.error)
              tx.onabort = () => reject(tx.error)
            }),
        )
        .catch(failure('written'))
    },
  }
}
