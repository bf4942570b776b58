import type { SessionStorage } from './SessionStorage.js'

/**
 * A storage that lives in memory: sessions do not survive a reload. Pass it explicitly when
 * that is what you want (tests, server-side rendering, a kiosk).
 *
 * @example
 * const auth = createAuthClient({ adapter, storage: createMemoryStorage() })
 */
export function createMemoryStorage(initial?: Record<string, string>): SessionStorage {
  const items = new Map<string, string>(Object.entries(initial ?? {}))
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  }
}
