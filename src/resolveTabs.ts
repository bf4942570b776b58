import { isTabLocalStorage } from './createMemoryStorage.js'
import { createInTabLocks } from './createInTabLocks.js'
import { createRotationRecord, type RotationRecord } from './createRotationRecord.js'
import type { SessionStorage } from './SessionStorage.js'
import type { TabChannel, TabLocks, TabsOption } from './TabTransport.js'

/** What the client uses for cross-tab work, after defaults. */
export interface ResolvedTabs {
  /** Null when there is no channel: then the `storage` event is the fallback, if any. */
  channel: TabChannel | null
  locks: TabLocks
  /** Whether the `storage` event is watched instead of a channel. */
  storageEvents: boolean
  /**
   * A strongly consistent record of the latest rotation, read and written inside the lock. Only
   * where it is needed: a shared, durable store (not memory, not `sessionStorage`) and Web Locks.
   */
  rotation: RotationRecord | null
}

interface BrowserGlobals {
  document?: unknown
  BroadcastChannel?: new (name: string) => TabChannel
  navigator?: { locks?: TabLocks }
  addEventListener?: unknown
}

/**
 * Turns the `tabs` option into a channel and a lock. Outside a browser page there are no tabs to
 * share with, so `true` gives a per-realm lock and no channel; a page without `BroadcastChannel`
 * falls back to the `storage` event (when the session lives in `localStorage`), and one without
 * Web Locks to an in-tab lock. A session kept in memory or `sessionStorage` gets no rotation record
 * and no storage-event marks: nothing of it is written to the browser's stores.
 *
 * @example
 * resolveTabs(true, 'authchart.session', localStorage) // in a browser: BroadcastChannel + navigator.locks
 */
export function resolveTabs(option: TabsOption, storageKey: string, storage: SessionStorage): ResolvedTabs {
  const g = globalThis as BrowserGlobals
  const name = `authchart:${storageKey}`
  if (option === false) return { channel: null, locks: createInTabLocks(), storageEvents: false, rotation: null }
  if (option !== true) {
    return {
      channel: option.channel ? option.channel(name) : null,
      locks: option.locks ?? createInTabLocks(),
      storageEvents: false,
      rotation: null,
    }
  }
  const inPage = typeof g.document !== 'undefined'
  if (!inPage) return { channel: null, locks: createInTabLocks(), storageEvents: false, rotation: null }
  const webLocks = g.navigator?.locks
  const hasWebLocks = webLocks !== undefined && typeof webLocks.request === 'function'
  const shared = !isTabLocalStorage(storage)
  return {
    channel: typeof g.BroadcastChannel === 'function' ? new g.BroadcastChannel(name) : null,
    locks: hasWebLocks ? webLocks : createInTabLocks(),
    storageEvents:
      shared &&
      isPageLocalStorage(storage) &&
      typeof g.BroadcastChannel !== 'function' &&
      typeof g.addEventListener === 'function',
    rotation: shared && hasWebLocks ? createRotationRecord(storageKey) : null,
  }
}

// The `storage` event fires only for `localStorage`; reading it throws in sandboxed frames, where
// the storage we were given cannot be it.
function isPageLocalStorage(storage: SessionStorage): boolean {
  try {
    return storage === (globalThis as { localStorage?: unknown }).localStorage
  } catch {
    return false
  }
}
