import { createInTabLocks } from './createInTabLocks.js'
import { createRotationRecord, type RotationRecord } from './createRotationRecord.js'
import type { TabChannel, TabLocks, TabsOption } from './TabTransport.js'

/** What the client uses for cross-tab work, after defaults. */
export interface ResolvedTabs {
  /** Null when there is no channel: then the `storage` event is the fallback, if any. */
  channel: TabChannel | null
  locks: TabLocks
  /** Whether the `storage` event is watched instead of a channel. */
  storageEvents: boolean
  /** A strongly consistent record of the latest session, read and written inside the lock. */
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
 * falls back to the `storage` event, and one without Web Locks to an in-tab lock.
 *
 * @example
 * resolveTabs(true, 'authchart.session') // in a browser: BroadcastChannel + navigator.locks
 */
export function resolveTabs(option: TabsOption, storageKey: string): ResolvedTabs {
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
  return {
    channel: typeof g.BroadcastChannel === 'function' ? new g.BroadcastChannel(name) : null,
    locks: webLocks && typeof webLocks.request === 'function' ? webLocks : createInTabLocks(),
    storageEvents: typeof g.BroadcastChannel !== 'function' && typeof g.addEventListener === 'function',
    rotation: createRotationRecord(storageKey),
  }
}
