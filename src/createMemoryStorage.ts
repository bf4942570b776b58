import type { SessionStorage } from './SessionStorage.js'

// Storages that live in this realm's memory: there is nothing durable or shared to protect with a
// cross-tab rotation record, and nothing of theirs may be written to the browser's stores.
const memoryStorages = new WeakSet<SessionStorage>()

/**
 * A storage that lives in memory: sessions do not survive a reload, and nothing is written to
 * `localStorage`, `sessionStorage` or IndexedDB (not even the cross-tab rotation record). Pass it
 * explicitly when that is what you want (tests, server-side rendering, a kiosk).
 *
 * @example
 * const auth = createAuthClient({ adapter, storage: createMemoryStorage() })
 */
export function createMemoryStorage(initial?: Record<string, string>): SessionStorage {
  const items = new Map<string, string>(Object.entries(initial ?? {}))
  return markAsMemory({
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  })
}

/** Records that `storage` keeps its data in memory only (see {@link isTabLocalStorage}). */
export function markAsMemory(storage: SessionStorage): SessionStorage {
  memoryStorages.add(storage)
  return storage
}

/**
 * Whether a storage belongs to one tab only: memory, or the page's `sessionStorage`. Such a store
 * is neither shared nor durable, so the client writes no cross-tab copies for it.
 *
 * @example
 * isTabLocalStorage(createMemoryStorage()) // true
 * isTabLocalStorage(localStorage) // false
 */
export function isTabLocalStorage(storage: SessionStorage): boolean {
  if (memoryStorages.has(storage)) return true
  try {
    return storage === (globalThis as { sessionStorage?: unknown }).sessionStorage
  } catch {
    // Reading sessionStorage throws in sandboxed frames: then it cannot be the one we were given.
    return false
  }
}
