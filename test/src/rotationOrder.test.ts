import { createHash } from 'node:crypto'
import { type AuthClient, createAuthClient, type Session, type SessionStorage, type TabLocks } from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeClock } from 'authchart/testing'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HOUR } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { settle } from '../fixtures/settle.js'

// How a tab under the refresh lock reads the IndexedDB rotation record (src/createAuthEffects.ts,
// `rotatedElsewhere` and `storedRotation`): which session it refreshes from when the record names
// another refresh token, and how it waits for a rotation its store does not show yet. The page is
// stubbed as in rotationRecord.test.ts: `document`, Web Locks, fake-indexeddb, no BroadcastChannel.

const KEY = 'authchart.session'

function createPageLocks(): TabLocks {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    request(_name, { signal }, callback) {
      const run = tail.then(() => {
        if (signal?.aborted) throw signal.reason
        return callback()
      })
      tail = run.catch(() => undefined)
      return run
    },
  }
}

/** A durable store shared by the tabs, like `localStorage`, that counts reads of the session. */
function createCountingStorage() {
  const items = new Map<string, string>()
  const counter = { reads: 0 }
  const storage: SessionStorage = {
    getItem: (key) => {
      if (key === KEY) counter.reads += 1
      return items.get(key) ?? null
    },
    setItem: (key, value) => {
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  }
  return { storage, items, counter }
}

function fingerprintOf(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url')
}

function requestOf<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

async function writeRecord(idb: IDBFactory, value: unknown) {
  const open = idb.open('authchart', 1)
  open.onupgradeneeded = () => open.result.createObjectStore('rotation')
  const db = await requestOf(open)
  try {
    await requestOf(db.transaction('rotation', 'readwrite').objectStore('rotation').put(value, KEY))
  } finally {
    db.close()
  }
}

/** Turns the event loop (fake-indexeddb answers on setImmediate) and the clock until `done()`. */
async function until(clock: FakeClock, done: () => boolean, what: string, step = 1) {
  for (let turn = 0; turn < 2_000 && !done(); turn++) {
    await new Promise((resolve) => setImmediate(resolve))
    await (step > 0 ? clock.advance(step) : clock.flush())
  }
  expect(done(), what).toBe(true)
}

const realCrypto = globalThis.crypto
const inProcessCrypto = {
  getRandomValues: <T extends ArrayBufferView>(array: T) => realCrypto.getRandomValues(array),
  randomUUID: () => realCrypto.randomUUID(),
  subtle: {
    digest: async (_algorithm: string, data: Uint8Array) => {
      const digest = createHash('sha256').update(data).digest()
      return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength)
    },
  },
}

let idb: IDBFactory
beforeEach(() => {
  idb = new IDBFactory()
  vi.stubGlobal('document', {})
  vi.stubGlobal('navigator', { locks: createPageLocks() })
  vi.stubGlobal('indexedDB', idb)
  vi.stubGlobal('BroadcastChannel', undefined)
  vi.stubGlobal('crypto', inProcessCrypto)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

async function openTab(requestTimeout = 15_000) {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  const shared = createCountingStorage()
  const auth = createAuthClient({
    adapter,
    clock,
    storage: shared.storage,
    random: () => 0.5,
    retry: { requestTimeout },
  }).start()
  const errors: unknown[] = []
  auth.on('error', (event) => errors.push(event.error))
  await until(clock, () => auth.getSnapshot().status === 'unauthenticated', 'restored', 0)
  return { clock, adapter, auth, errors, ...shared }
}

async function signIn(clock: FakeClock, auth: AuthClient) {
  const outcome = settle(auth.signIn({ email: 'ada@example.com', password: 'pw' }))
  await until(clock, () => outcome.status !== 'pending', 'sign-in settled')
  expect(outcome.status).toBe('fulfilled')
  return heldSession(auth)!
}

interface Stamp {
  expiresAt: (held: Session) => number
  iat: (held: Session) => number | null
}

describe('a record naming another refresh token', () => {
  // The tab signs in twice: the older session (`other`) is put back in the store, as if another
  // tab had written it, and the record names it with the times of each case.
  it.each<[string, 'ours' | 'the record’s', Stamp]>([
    ['expires earlier than ours', 'ours', { expiresAt: (h) => h.expiresAt - 1_000, iat: (h) => h.claims.iat! + 100 }],
    ['expires with ours, issued earlier', 'ours', { expiresAt: (h) => h.expiresAt, iat: (h) => h.claims.iat! - 1 }],
    ['expires with ours, no issue time', 'ours', { expiresAt: (h) => h.expiresAt, iat: () => null }],
    [
      'expires with ours, issued later',
      'the record’s',
      { expiresAt: (h) => h.expiresAt, iat: (h) => h.claims.iat! + 1 },
    ],
    [
      'expires and was issued with ours (a tie goes to the record)',
      'the record’s',
      { expiresAt: (h) => h.expiresAt, iat: (h) => h.claims.iat! },
    ],
    ['expires later, issued long before', 'the record’s', { expiresAt: (h) => h.expiresAt + 1_000, iat: () => 1 }],
  ])('that %s: a forced refresh presents %s refresh token', async (_what, expected, stamp) => {
    const { clock, adapter, auth, items, errors } = await openTab()
    const other = await signIn(clock, auth)
    const otherStored = items.get(KEY)!
    clock.jump(60_000)
    const ours = await signIn(clock, auth)
    items.set(KEY, otherStored)
    await writeRecord(
      idb,
      JSON.stringify({
        v: 2,
        fingerprint: fingerprintOf(other.refreshToken!),
        expiresAt: stamp.expiresAt(ours),
        iat: stamp.iat(ours),
        refreshTokenAt: null,
      }),
    )
    const refresh = settle(auth.refresh({ force: true }))
    await until(clock, () => refresh.status !== 'pending', 'refresh settled')
    expect(refresh.status).toBe('fulfilled')
    const sent = adapter.refreshTokensSent
    expect(sent).toHaveLength(1)
    expect(sent[0] === (expected === 'ours' ? ours : other).refreshToken).toBe(true)
    expect(errors).toEqual([])
    auth.stop()
  })
})

describe('a record naming this tab’s own refresh token', () => {
  it('a due refresh sends it: the tab’s own rotation is not another tab’s', async () => {
    const { clock, adapter, auth, errors } = await openTab()
    const ours = await signIn(clock, auth)
    clock.jump(HOUR - 10_000)
    const token = settle(auth.getToken())
    await until(clock, () => token.status !== 'pending', 'getToken settled')
    expect(token.status).toBe('fulfilled')
    expect(adapter.calls.refresh).toBe(1)
    expect(adapter.refreshTokensSent[0] === ours.refreshToken).toBe(true)
    expect(token.value === ours.accessToken).toBe(false)
    expect(errors).toEqual([])
    auth.stop()
  })
})

describe('waiting for a rotation the store does not show yet', () => {
  it('reads the store in doubling steps from 10 ms, and once more when the request times out, then stops', async () => {
    const { clock, adapter, auth, counter } = await openTab(1_000)
    const ours = await signIn(clock, auth)
    await writeRecord(
      idb,
      JSON.stringify({
        v: 2,
        fingerprint: 'nobody',
        expiresAt: ours.expiresAt + 1_000,
        iat: null,
        refreshTokenAt: null,
      }),
    )
    counter.reads = 0
    const refresh = settle(auth.refresh({ force: true, timeoutMs: 60_000 }))
    // Only the event loop turns: the record is read, then the store, at the time the request began.
    await until(clock, () => counter.reads > 0, 'the first read of the store', 0)
    const reads = [counter.reads]
    for (const step of [18, 12, 40, 80, 160, 200, 200, 200]) {
      await clock.advance(step)
      reads.push(counter.reads)
    }
    // Reads at 0, 10, 30, 70, 150, 310, 510, 710 and 910 ms.
    expect(reads).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    await clock.advance(90) // the request times out at 1 000 ms, between two reads
    expect(counter.reads).toBe(10)
    await clock.advance(1_000)
    expect(counter.reads).toBe(10)
    expect(adapter.calls.refresh).toBe(0)
    expect(refresh.status).toBe('rejected')
    auth.stop()
  })
})
