import { createHash } from 'node:crypto'
import { type AuthClient, createAuthClient, type SessionStorage, StorageError, type TabLocks } from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeClock } from 'authchart/testing'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { heldSession } from '../fixtures/heldSession.js'
import { settle } from '../fixtures/settle.js'

// The IndexedDB rotation record (src/createRotationRecord.ts) through the public API: a page
// (`document`) with Web Locks and IndexedDB but no BroadcastChannel, and a durable storage that is
// not memory. fake-indexeddb answers on real macrotasks, so the tests turn the event loop (never
// a timed sleep) while the fake clock runs the chart.

const KEY = 'authchart.session'

/** The page's Web Locks, for one realm: callers of a name take turns. */
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

/** A durable store shared by the tabs, like `localStorage`. */
function createSharedStorage() {
  const items = new Map<string, string>()
  const storage: SessionStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  }
  return { storage, items }
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

async function withStore<T>(idb: IDBFactory, mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>) {
  const open = idb.open('authchart', 1)
  open.onupgradeneeded = () => open.result.createObjectStore('rotation')
  const db = await requestOf(open)
  try {
    return await requestOf(run(db.transaction('rotation', mode).objectStore('rotation')))
  } finally {
    db.close()
  }
}
const readRecord = (idb: IDBFactory) => withStore<unknown>(idb, 'readonly', (store) => store.get(KEY))
const writeRecord = (idb: IDBFactory, value: unknown) => withStore(idb, 'readwrite', (store) => store.put(value, KEY))

/**
 * Turns the event loop and the fake clock until `done()` holds. fake-indexeddb answers on
 * `setImmediate` and the digest below answers on a microtask, so every answer comes within a
 * known number of turns whatever the machine's load: the bound is a count of turns, never wall
 * time. The fake clock moves 1 ms per turn, at most 1 s in all (enough for the chart's short
 * waits, far from its request timeout), then runs out.
 */
async function until(clock: FakeClock, done: () => boolean, what: string) {
  const start = clock.now()
  for (let turn = 0; turn < 2_000 && !done(); turn++) {
    await new Promise((resolve) => setImmediate(resolve))
    await (clock.now() - start < 1_000 ? clock.advance(1) : clock.flush())
  }
  expect(done(), what).toBe(true)
}

// Node's crypto.subtle digests on the thread pool, whose answer can take any number of turns on a
// loaded machine; the same SHA-256 from node:crypto answers on a microtask.
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

function openTab(clock: FakeClock, adapter: ReturnType<typeof createFakeAdapter>, storage: SessionStorage) {
  const errors: unknown[] = []
  const auth = createAuthClient({ adapter, clock, storage, random: () => 0.5 }).start()
  auth.on('error', (event) => errors.push(event.error))
  return { auth, errors }
}

async function signIn(clock: FakeClock, auth: AuthClient) {
  const outcome = settle(auth.signIn({ email: 'ada@example.com', password: 'pw' }))
  await until(clock, () => outcome.status !== 'pending', 'sign-in settled')
  expect(outcome.status).toBe('fulfilled')
}

async function refresh(clock: FakeClock, auth: AuthClient) {
  const outcome = settle(auth.refresh({ force: true }))
  await until(clock, () => outcome.status !== 'pending', 'refresh settled')
  return outcome
}

describe('the IndexedDB rotation record (tabs: true in a page with Web Locks)', () => {
  it('sign-in records a stamp of the session: a fingerprint of the refresh token, never a token', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const { storage } = createSharedStorage()
    const { auth, errors } = openTab(clock, adapter, storage)
    await clock.flush()
    const signedAt = clock.now()
    await signIn(clock, auth)
    const session = heldSession(auth)!
    // Committed before the sign-in resolved: the next lock holder must see it.
    const raw = await readRecord(idb)
    expect(typeof raw).toBe('string')
    expect(JSON.parse(raw as string)).toEqual({
      v: 2,
      fingerprint: fingerprintOf(session.refreshToken!),
      expiresAt: session.expiresAt,
      iat: session.claims.iat,
      refreshTokenAt: signedAt,
    })
    expect(raw).not.toContain(session.refreshToken)
    expect(raw).not.toContain(session.accessToken)
    expect(errors).toEqual([])
    auth.stop()
  })

  it('a refresh records the new refresh token; sign-out deletes the record', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const { auth, errors } = openTab(clock, adapter, createSharedStorage().storage)
    await clock.flush()
    await signIn(clock, auth)
    const first = heldSession(auth)!.refreshToken!
    clock.jump(10_000)
    const before = clock.now()
    expect((await refresh(clock, auth)).status).toBe('fulfilled')
    const second = heldSession(auth)!
    expect(second.refreshToken).not.toBe(first)
    const stamp = JSON.parse((await readRecord(idb)) as string) as { refreshTokenAt: number }
    expect(stamp).toEqual({
      v: 2,
      fingerprint: fingerprintOf(second.refreshToken!),
      expiresAt: second.expiresAt,
      iat: second.claims.iat,
      refreshTokenAt: expect.any(Number),
    })
    expect(stamp.refreshTokenAt).toBeGreaterThanOrEqual(before)
    expect(stamp.refreshTokenAt).toBeLessThanOrEqual(clock.now())
    const signOut = settle(auth.signOut())
    await until(clock, () => signOut.status !== 'pending', 'sign-out settled')
    let gone = false
    for (let turn = 0; turn < 50 && !gone; turn++) gone = (await readRecord(idb)) === undefined
    expect(gone).toBe(true)
    expect(errors).toEqual([])
    auth.stop()
  })

  it('each rotation is recorded by its fingerprint; a session without a refresh token has none', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    let withoutRefreshToken = false
    const adapter = {
      ...fake,
      signIn: async (...args: Parameters<typeof fake.signIn>) => {
        const session = await fake.signIn(...args)
        return withoutRefreshToken ? { ...session, refreshToken: undefined } : session
      },
    }
    const { auth, errors } = openTab(clock, adapter as typeof fake, createSharedStorage().storage)
    await clock.flush()
    await signIn(clock, auth)
    // Several digests, so the base64url alphabet (`-`, `_`, no padding) is met.
    for (let i = 0; i < 8; i++) {
      clock.jump(10_000)
      expect((await refresh(clock, auth)).status).toBe('fulfilled')
      const stamp = JSON.parse((await readRecord(idb)) as string) as { fingerprint: string }
      expect(stamp.fingerprint).toBe(fingerprintOf(heldSession(auth)!.refreshToken!))
      expect(stamp.fingerprint).toMatch(/^[\w-]{43}$/)
    }
    withoutRefreshToken = true
    await signIn(clock, auth)
    expect(heldSession(auth)!.refreshToken).toBeUndefined()
    expect(JSON.parse((await readRecord(idb)) as string)).toMatchObject({ v: 2, fingerprint: null })
    expect(errors).toEqual([])
    auth.stop()
  })

  it('a record that is missing is no error; a corrupt one is removed even when the refresh then fails', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const { auth, errors } = openTab(clock, adapter, createSharedStorage().storage)
    await clock.flush()
    await signIn(clock, auth)
    await withStore(idb, 'readwrite', (store) => store.delete(KEY))
    clock.jump(10_000)
    expect((await refresh(clock, auth)).status).toBe('fulfilled')
    expect(errors).toEqual([])
    await writeRecord(idb, 'corrupt')
    adapter.enqueue('refresh', 'transient')
    clock.jump(10_000)
    const failed = settle(auth.refresh({ force: true, timeoutMs: 500 }))
    await until(clock, () => failed.status !== 'pending', 'the failed refresh settled')
    expect(errors.some((e) => e instanceof StorageError && /not a rotation stamp/.test(e.message))).toBe(true)
    expect(await readRecord(idb)).toBeUndefined()
    auth.stop()
  })

  it('a tab whose store read lags behind waits for the rotation the record names, and never sends the spent token', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const shared = createSharedStorage()
    const a = openTab(clock, adapter, shared.storage)
    await clock.flush()
    await signIn(clock, a.auth)
    // Tab b restores the same session, then a rotates it; b hears nothing (no channel).
    let stale: string | null = null
    let lagging = 0
    const bStorage: SessionStorage = {
      getItem: (key) => (lagging-- > 0 ? stale : shared.storage.getItem(key)),
      setItem: (key, value) => shared.storage.setItem(key, value),
      removeItem: (key) => shared.storage.removeItem(key),
    }
    const b = openTab(clock, adapter, bStorage)
    await until(clock, () => b.auth.getSnapshot().status === 'authenticated', 'b restored')
    const spent = heldSession(b.auth)!.refreshToken!
    stale = (await shared.storage.getItem(KEY)) ?? null
    clock.jump(10_000)
    expect((await refresh(clock, a.auth)).status).toBe('fulfilled')
    const rotated = heldSession(a.auth)!.refreshToken!
    expect(rotated).not.toBe(spent)
    // b's next reads of the store still see the old session, as in Chromium just after a lock release.
    lagging = 3
    expect((await refresh(clock, b.auth)).status).toBe('fulfilled')
    expect(adapter.refreshTokensSent).toEqual([spent, rotated])
    expect(lagging).toBeLessThanOrEqual(0)
    expect(b.auth.getSnapshot().status).toBe('authenticated')
    expect(heldSession(b.auth)!.refreshToken).not.toBe(rotated)
    expect(b.errors).toEqual([])
    a.auth.stop()
    b.auth.stop()
  })

  it.each([
    ['an older version’s whole session', JSON.stringify({ accessToken: 'eyJ.x.y', refreshToken: 'r1' })],
    [
      'a stamp of another version',
      JSON.stringify({ v: 1, fingerprint: null, expiresAt: 1, iat: null, refreshTokenAt: null }),
    ],
    ['text that is not JSON', 'not json {'],
    ['a value that is not text', { v: 2 }],
  ])('a record holding %s is removed and reported, and the refresh goes on', async (_what, junk) => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const { auth, errors } = openTab(clock, adapter, createSharedStorage().storage)
    await clock.flush()
    await signIn(clock, auth)
    await writeRecord(idb, junk)
    clock.jump(10_000)
    expect((await refresh(clock, auth)).status).toBe('fulfilled')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(StorageError)
    expect((errors[0] as Error).message).toMatch(
      /the IndexedDB rotation record was not a rotation stamp and has been removed/,
    )
    // The refresh then recorded its own rotation in its place.
    const session = heldSession(auth)!
    expect(JSON.parse((await readRecord(idb)) as string)).toMatchObject({
      v: 2,
      fingerprint: fingerprintOf(session.refreshToken!),
    })
    auth.stop()
  })

  it('a record that cannot be opened is reported on write and on read; the session goes on from the store', async () => {
    const failing = {
      open: () => {
        const req = { error: new DOMException('blocked', 'UnknownError') } as unknown as IDBOpenDBRequest
        queueMicrotask(() => (req.onerror as (() => void) | null)?.())
        return req
      },
    }
    vi.stubGlobal('indexedDB', failing)
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const { auth, errors } = openTab(clock, adapter, createSharedStorage().storage)
    await clock.flush()
    await signIn(clock, auth)
    await until(clock, () => errors.length >= 1, 'the write failure reported')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(StorageError)
    expect((errors[0] as Error).message).toBe('the IndexedDB rotation record could not be written')
    expect((errors[0] as Error & { cause?: unknown }).cause).toBeInstanceOf(DOMException)
    clock.jump(10_000)
    expect((await refresh(clock, auth)).status).toBe('fulfilled')
    await until(clock, () => errors.length >= 3, 'the read and write failures reported')
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'the IndexedDB rotation record could not be written',
      'the IndexedDB rotation record could not be read',
      'the IndexedDB rotation record could not be written',
    ])
    const signOut = settle(auth.signOut())
    await until(clock, () => signOut.status !== 'pending' && errors.length === 4, 'sign-out settled and reported')
    expect((errors[3] as Error).message).toBe('the IndexedDB rotation record could not be removed')
    auth.stop()
  })

  it('a session kept in the page’s sessionStorage (one tab’s) gets no record', async () => {
    const { storage } = createSharedStorage()
    vi.stubGlobal('sessionStorage', storage)
    const clock = createFakeClock()
    const { auth, errors } = openTab(clock, createFakeAdapter({ clock }), storage)
    await clock.flush()
    await signIn(clock, auth)
    expect(await readRecord(idb)).toBeUndefined()
    expect(errors).toEqual([])
    auth.stop()
  })

  it('a page whose sessionStorage cannot be read still records the rotation of a shared store', async () => {
    Object.defineProperty(globalThis, 'sessionStorage', {
      get: () => {
        throw new DOMException('denied', 'SecurityError')
      },
      configurable: true,
    })
    try {
      const clock = createFakeClock()
      const { auth, errors } = openTab(clock, createFakeAdapter({ clock }), createSharedStorage().storage)
      await clock.flush()
      await signIn(clock, auth)
      expect(JSON.parse((await readRecord(idb)) as string)).toMatchObject({ v: 2 })
      expect(errors).toEqual([])
      auth.stop()
    } finally {
      delete (globalThis as { sessionStorage?: unknown }).sessionStorage
    }
  })

  it.each([
    ['IndexedDB', 'indexedDB', undefined],
    ['crypto', 'crypto', undefined],
    ['crypto.subtle', 'crypto', {}],
  ])('without %s there is no record, and nothing fails', async (_what, name, value) => {
    vi.stubGlobal(name, value)
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const { auth, errors } = openTab(clock, adapter, createSharedStorage().storage)
    await clock.flush()
    await signIn(clock, auth)
    clock.jump(10_000)
    expect((await refresh(clock, auth)).status).toBe('fulfilled')
    expect(errors).toEqual([])
    expect(await readRecord(idb)).toBeUndefined()
    auth.stop()
  })
})
