import { createMemoryStorage } from '../createMemoryStorage.js'
import type { SessionStorage } from '../SessionStorage.js'
import type { TabChannel, TabLocks } from '../TabTransport.js'

/** One browser profile's shared parts, for several clients in one test. */
export interface FakeTabs {
  /** Pass as `createAuthClient({ tabs })`: a BroadcastChannel stand-in per client. */
  channel(name: string): TabChannel
  /** The profile's Web Locks stand-in. */
  locks: TabLocks
  /** The profile's shared `localStorage`. */
  storage: SessionStorage
  /** Every message posted on any channel, in order (as received, after cloning). */
  readonly posted: unknown[]
  /** Delivers a raw message to every channel of `name`, as a tab of another version might. */
  post(name: string, message: unknown): void
  /** Takes the lock `name` and keeps it until the returned function is called: a tab that hangs. */
  holdLock(name: string): () => void
}

/**
 * Creates the shared parts of one browser profile for in-process tests of several tabs: a
 * broadcast channel that delivers to every other channel of the same name (asynchronously, as
 * a clone), a lock manager with Web Locks' queueing and `signal` semantics, and one storage.
 *
 * @example
 * const profile = createFakeTabs()
 * const tabA = createAuthClient({ adapter, clock, storage: profile.storage, tabs: profile }).start()
 * const tabB = createAuthClient({ adapter, clock, storage: profile.storage, tabs: profile }).start()
 */
export function createFakeTabs(): FakeTabs {
  const channels = new Map<string, Set<FakeChannel>>()
  const posted: unknown[] = []
  const deliver = (name: string, message: unknown, except?: FakeChannel) => {
    const copy = structuredClone(message)
    posted.push(copy)
    for (const target of channels.get(name) ?? []) {
      if (target !== except) queueMicrotask(() => target.receive(copy))
    }
  }

  class FakeChannel implements TabChannel {
    #listeners = new Set<(event: { data: unknown }) => void>()
    #closed = false
    constructor(readonly name: string) {
      let set = channels.get(name)
      if (!set) channels.set(name, (set = new Set()))
      set.add(this)
    }
    postMessage(message: unknown) {
      if (this.#closed) throw new DOMException('the channel is closed', 'InvalidStateError')
      deliver(this.name, message, this)
    }
    addEventListener(_type: 'message', listener: (event: { data: unknown }) => void) {
      this.#listeners.add(listener)
    }
    removeEventListener(_type: 'message', listener: (event: { data: unknown }) => void) {
      this.#listeners.delete(listener)
    }
    close() {
      this.#closed = true
      channels.get(this.name)?.delete(this)
    }
    receive(data: unknown) {
      if (this.#closed) return
      for (const listener of [...this.#listeners]) listener({ data })
    }
  }

  // Web Locks semantics: one holder per name, waiters in order; an aborted waiter leaves the
  // queue with the signal's reason; the lock is released when the callback's promise settles.
  const queues = new Map<string, Array<() => void>>()
  const held = new Set<string>()
  const acquire = (name: string, signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      if (!held.has(name)) {
        held.add(name)
        resolve()
        return
      }
      const queue = queues.get(name) ?? []
      queues.set(name, queue)
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = () => {
        queue.splice(queue.indexOf(grant), 1)
        reject(signal?.reason)
      }
      queue.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  const release = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  const locks: TabLocks = {
    async request(name, { signal }, callback) {
      await acquire(name, signal)
      try {
        return await callback()
      } finally {
        release(name)
      }
    },
  }

  return {
    channel: (name) => new FakeChannel(name),
    locks,
    storage: createMemoryStorage(),
    posted,
    post: (name, message) => deliver(name, message),
    holdLock(name) {
      let release!: () => void
      const done = new Promise<void>((resolve) => {
        release = resolve
      })
      void locks.request(name, {}, () => done)
      return release
    },
  }
}
