import type { AuthLogger } from './AuthLogger.js'
import { createMemoryStorage, markAsMemory } from './createMemoryStorage.js'
import type { SessionStorage } from './SessionStorage.js'

function browserStorage(): { storage: SessionStorage | null; reason: string } {
  try {
    const candidate = (globalThis as { localStorage?: SessionStorage }).localStorage
    if (candidate && typeof candidate.getItem === 'function') return { storage: candidate, reason: '' }
    return { storage: null, reason: 'this platform has no localStorage' }
  } catch (error) {
    // Sandboxed iframes and some privacy modes throw on access.
    return { storage: null, reason: `localStorage is not accessible (${String(error)})` }
  }
}

/**
 * Picks the session storage: the one given, else `localStorage`, else memory. Falling back to
 * memory logs one warning on first use, because sessions will then not survive a reload (the
 * seed-002 lesson: durability must be visible, never a silent default).
 *
 * @example
 * const storage = resolveStorage(undefined, consoleLogger) // localStorage in a browser
 */
export function resolveStorage(storage: SessionStorage | undefined, logger: AuthLogger): SessionStorage {
  if (storage) return storage
  const found = browserStorage()
  if (found.storage) return found.storage
  const memory = createMemoryStorage()
  let warned = false
  const warnOnce = () => {
    if (warned) return
    warned = true
    logger.warn(
      `${found.reason}; sessions are kept in memory and will not survive a reload. ` +
        'Pass `storage: createMemoryStorage()` to choose this explicitly.',
    )
  }
  return markAsMemory({
    getItem: (key) => {
      warnOnce()
      return memory.getItem(key)
    },
    setItem: (key, value) => {
      warnOnce()
      return memory.setItem(key, value)
    },
    removeItem: (key) => {
      warnOnce()
      return memory.removeItem(key)
    },
  })
}
