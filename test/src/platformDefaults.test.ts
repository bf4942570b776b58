import { type AuthClient, createAuthClient, createMemoryStorage, type SessionStorage, type TabLocks } from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeClock } from 'authchart/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRecordingLogger } from '../fixtures/setupClient.js'

// What `tabs: true` (the default) and an omitted `storage` resolve to on each platform: which
// channel, lock and storage-event fallback a page gets (src/resolveTabs.ts), and which storage
// (src/resolveStorage.ts). Each platform is made of stubbed globals, undone after each test.

const KEY = 'authchart.session'

/** A `BroadcastChannel` stand-in that records the channels made and never delivers. */
function recordingChannelClass() {
  const names: string[] = []
  class RecordingChannel {
    constructor(name: string) {
      names.push(name)
    }
    postMessage() {}
    addEventListener() {}
    removeEventListener() {}
    close() {}
  }
  return { RecordingChannel, names }
}

/** Web Locks that record the names requested and run callers in turn. */
function recordingLocks() {
  const names: string[] = []
  let tail: Promise<unknown> = Promise.resolve()
  const locks: TabLocks = {
    request(name, _options, callback) {
      names.push(name)
      const run = tail.then(callback)
      tail = run.catch(() => undefined)
      return run
    },
  }
  return { locks, names }
}

function durableStorage(): SessionStorage & { writes: string[] } {
  const items = new Map<string, string>()
  const writes: string[] = []
  return {
    writes,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      writes.push(key)
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  }
}

async function run(clock: FakeClock, auth: AuthClient) {
  await clock.flush()
  const signIn = auth.signIn({ email: 'ada@example.com', password: 'pw' })
  await clock.flush()
  await expect(signIn).resolves.toMatchObject({ user: { id: 'user-ada@example.com' } })
  const refreshed = auth.refresh({ force: true })
  await clock.flush()
  await expect(refreshed).resolves.toMatchObject({ user: { id: 'user-ada@example.com' } })
}

function client(options: { storage?: SessionStorage; tabs?: boolean } = {}) {
  const clock = createFakeClock()
  const { logger, lines } = createRecordingLogger()
  const auth = createAuthClient({ adapter: createFakeAdapter({ clock }), clock, logger, ...options }).start()
  return { auth, clock, lines }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('tabs: true resolves from the platform', () => {
  it('outside a page (no document) there is no channel and no Web Lock, even where the globals exist', async () => {
    const { RecordingChannel, names } = recordingChannelClass()
    const locks = recordingLocks()
    vi.stubGlobal('document', undefined)
    vi.stubGlobal('BroadcastChannel', RecordingChannel)
    vi.stubGlobal('navigator', { locks: locks.locks })
    const { auth, clock } = client({ storage: durableStorage() })
    await run(clock, auth)
    expect(names).toEqual([])
    expect(locks.names).toEqual([])
    auth.stop()
  })

  it('in a page: a BroadcastChannel named after the storage key and the page’s Web Locks', async () => {
    const { RecordingChannel, names } = recordingChannelClass()
    const locks = recordingLocks()
    vi.stubGlobal('document', {})
    vi.stubGlobal('BroadcastChannel', RecordingChannel)
    vi.stubGlobal('navigator', { locks: locks.locks })
    vi.stubGlobal('indexedDB', undefined) // no rotation record here: see rotationRecord.test.ts
    const { auth, clock } = client({ storage: durableStorage() })
    await run(clock, auth)
    expect(names).toEqual([`authchart:${KEY}`])
    expect(locks.names).toEqual([`authchart:refresh:${KEY}`])
    auth.stop()
  })

  it('tabs: false in a page uses neither the channel nor the Web Locks', async () => {
    const { RecordingChannel, names } = recordingChannelClass()
    const locks = recordingLocks()
    vi.stubGlobal('document', {})
    vi.stubGlobal('BroadcastChannel', RecordingChannel)
    vi.stubGlobal('navigator', { locks: locks.locks })
    const { auth, clock } = client({ storage: durableStorage(), tabs: false })
    await run(clock, auth)
    expect(names).toEqual([])
    expect(locks.names).toEqual([])
    auth.stop()
  })

  it.each([
    ['no navigator', undefined],
    ['no navigator.locks', {}],
    ['a navigator.locks without request()', { locks: {} }],
  ])('a page with %s takes turns on an in-tab lock', async (_what, navigator) => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('BroadcastChannel', recordingChannelClass().RecordingChannel)
    vi.stubGlobal('navigator', navigator)
    const { auth, clock } = client({ storage: durableStorage() })
    await run(clock, auth)
    auth.stop()
  })
})

describe('the storage-event fallback (a page without BroadcastChannel)', () => {
  function page(options: { channel?: boolean; addEventListener?: boolean; localStorage?: SessionStorage }) {
    const listened: string[] = []
    vi.stubGlobal('document', {})
    vi.stubGlobal('navigator', undefined)
    vi.stubGlobal('BroadcastChannel', options.channel ? recordingChannelClass().RecordingChannel : undefined)
    vi.stubGlobal(
      'addEventListener',
      options.addEventListener === false ? undefined : (type: string) => listened.push(type),
    )
    vi.stubGlobal('removeEventListener', () => undefined)
    vi.stubGlobal('localStorage', options.localStorage)
    return listened
  }

  it('listens to storage events when the session lives in the page’s localStorage', async () => {
    const localStorage = durableStorage()
    const listened = page({ localStorage })
    const { auth, clock } = client({ storage: localStorage })
    await run(clock, auth)
    expect(listened).toEqual(['storage'])
    auth.stop()
  })

  it('a page without addEventListener gets no storage events and still works', async () => {
    const localStorage = durableStorage()
    page({ localStorage, addEventListener: false })
    const { auth, clock } = client({ storage: localStorage })
    await run(clock, auth)
    auth.stop()
  })

  it.each([
    ['the page has a BroadcastChannel', { channel: true }],
    ['the storage is not localStorage', { other: true }],
    ['localStorage is kept in memory', { memory: true }],
  ])('does not listen when %s', async (_what, how: { channel?: boolean; other?: boolean; memory?: boolean }) => {
    const localStorage = how.memory ? createMemoryStorage() : durableStorage()
    const listened = page({ localStorage, channel: how.channel })
    const { auth, clock } = client({ storage: how.other ? durableStorage() : localStorage })
    await run(clock, auth)
    expect(listened).toEqual([])
    auth.stop()
  })

  it('a page whose localStorage cannot even be read gets no storage events and still works', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('navigator', undefined)
    vi.stubGlobal('BroadcastChannel', undefined)
    const listened: string[] = []
    vi.stubGlobal('addEventListener', (type: string) => listened.push(type))
    vi.stubGlobal('removeEventListener', () => undefined)
    const denied = () => {
      throw new DOMException('access denied', 'SecurityError')
    }
    Object.defineProperty(globalThis, 'localStorage', { get: denied, configurable: true })
    try {
      const { auth, clock } = client({ storage: durableStorage() })
      await run(clock, auth)
      expect(listened).toEqual([])
      auth.stop()
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage
    }
  })
})

describe('storage omitted', () => {
  it('uses the page’s localStorage when there is one, and warns about nothing', async () => {
    const localStorage = durableStorage()
    vi.stubGlobal('localStorage', localStorage)
    const { auth, clock, lines } = client()
    await run(clock, auth)
    expect(localStorage.writes).toContain(KEY)
    expect(lines).toEqual([])
    auth.stop()
  })

  const MEMORY =
    'sessions are kept in memory and will not survive a reload. Pass `storage: createMemoryStorage()` to choose this explicitly.'

  it.each([
    ['no localStorage', undefined, 'this platform has no localStorage'],
    ['a localStorage without getItem()', { setItem: () => undefined }, 'this platform has no localStorage'],
  ])('with %s keeps sessions in memory and warns once', async (_what, localStorage, reason) => {
    vi.stubGlobal('localStorage', localStorage)
    const { auth, clock, lines } = client()
    await run(clock, auth)
    const signOut = auth.signOut()
    await clock.flush()
    await signOut
    expect(lines).toEqual([`warn: ${reason}; ${MEMORY}`])
    auth.stop()
  })

  it('with a localStorage that throws on access keeps sessions in memory and says why', async () => {
    Object.defineProperty(globalThis, 'localStorage', {
      get: () => {
        throw new Error('denied')
      },
      configurable: true,
    })
    try {
      const { auth, clock, lines } = client()
      await run(clock, auth)
      expect(lines).toEqual([`warn: localStorage is not accessible (Error: denied); ${MEMORY}`])
      auth.stop()
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage
    }
  })
})
