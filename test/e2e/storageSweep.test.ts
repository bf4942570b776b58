import { createHash } from 'node:crypto'
import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import {
  currentToken,
  describeInBrowser,
  heldTokenId,
  openTab,
  recordIssuedTokens,
  signIn,
  testId,
  useDemoWithProfiles,
  WAIT,
  waitForStatus,
} from './browser.js'

// After a session ends, no token may be left in the browser's stores: the session is removed
// from localStorage, and the rotation record in IndexedDB holds only a fingerprint and is deleted
// too. With createMemoryStorage() nothing is written to any store at all. Each tab of the origin
// is swept: localStorage and IndexedDB are the origin's, sessionStorage is the tab's own.

/** A value to look for in the stores, with the name a failure prints instead of the value. */
interface Needle {
  label: string
  value: string
}

/** What one tab finds in its origin's stores: names and counts, and where a needle was found. */
interface Sweep {
  localStorage: string[]
  sessionStorage: string[]
  /** Every IndexedDB database of the origin, with the number of records in each object store. */
  indexedDB: { name: string; stores: Record<string, number> }[]
  /** `<store> <key>: <needle label>` for each needle found in a key or value; never the value. */
  hits: string[]
}

/**
 * Reads every localStorage and sessionStorage key and value, and every record (keys and values)
 * of every object store of every IndexedDB database, and looks for each needle in all of them.
 * The comparison runs in the page, so a failure prints where a token was found, never the token.
 */
const sweep = (page: Page, needles: Needle[]): Promise<Sweep> =>
  page.evaluate(async (needles) => {
    /** Every string a stored value holds: strings, keys, and binary data decoded as text. */
    const texts = async (value: unknown, out: string[]): Promise<string[]> => {
      if (typeof value === 'string') out.push(value)
      else if (value instanceof Blob) out.push(await value.text())
      else if (value instanceof ArrayBuffer) out.push(new TextDecoder().decode(value))
      else if (ArrayBuffer.isView(value)) {
        out.push(new TextDecoder().decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)))
      } else if (value instanceof Map) {
        for (const [key, item] of value) await texts([key, item], out)
      } else if (value instanceof Set) {
        for (const item of value) await texts(item, out)
      } else if (typeof value === 'object' && value !== null) {
        for (const [key, item] of Object.entries(value)) {
          out.push(key)
          await texts(item, out)
        }
      } else out.push(String(value))
      return out
    }
    const hits: string[] = []
    const look = (where: string, found: string[]) => {
      for (const needle of needles) {
        if (found.some((text) => text.includes(needle.value))) hits.push(`${where}: ${needle.label}`)
      }
    }
    const storageKeys = (name: 'localStorage' | 'sessionStorage') => {
      const storage = window[name]
      const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i) as string)
      for (const key of keys) look(`${name} ${JSON.stringify(key)}`, [key, storage.getItem(key) ?? ''])
      return keys
    }
    const request = <T>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
    const databases = []
    for (const { name } of await indexedDB.databases()) {
      if (name === undefined) continue
      // No version: opens the database as it is, never creating or upgrading it.
      const db = await request(indexedDB.open(name))
      const stores: Record<string, number> = {}
      try {
        for (const storeName of Array.from(db.objectStoreNames)) {
          const store = db.transaction(storeName, 'readonly').objectStore(storeName)
          const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())])
          stores[storeName] = keys.length
          for (let i = 0; i < keys.length; i += 1) {
            look(
              `indexedDB ${name}/${storeName} ${JSON.stringify(String(keys[i]))}`,
              await texts([keys[i], values[i]], []),
            )
          }
        }
      } finally {
        // An open connection would block the client's own upgrades and deletions.
        db.close()
      }
      databases.push({ name, stores })
    }
    return {
      localStorage: storageKeys('localStorage'),
      sessionStorage: storageKeys('sessionStorage'),
      indexedDB: databases,
      hits,
    }
  }, needles)

/** The page's token id once it is no longer `old`: a refresh came in (or was taken from a tab). */
const waitForTokenOtherThan = async (page: Page, old: string | null) => {
  await page.waitForFunction(
    (previous) => {
      type Demo = { demo: { auth: { getSnapshot(): { claims: { jti?: unknown } | null } } } }
      const jti = (window as unknown as Demo).demo.auth.getSnapshot().claims?.jti
      return typeof jti === 'string' && jti !== previous
    },
    old,
    WAIT,
  )
  return heldTokenId(page)
}

/**
 * "Expire now" in `from` (a forced refresh), then waits until `to` holds the new token too.
 * Returns the new token's id.
 */
async function refreshAndFollow(from: Page, to: Page) {
  const before = await heldTokenId(from)
  expect(before).not.toBeNull()
  await from.getByRole('button', { name: 'Expire now' }).click()
  const renewed = await waitForTokenOtherThan(from, before)
  await to.waitForFunction(
    (want) => {
      type Demo = { demo: { auth: { getSnapshot(): { claims: { jti?: unknown } | null } } } }
      return (window as unknown as Demo).demo.auth.getSnapshot().claims?.jti === want
    },
    renewed,
    WAIT,
  )
  for (const tab of [from, to]) await waitForStatus(tab, 'authenticated')
  return renewed
}

/** base64url SHA-256: the fingerprint the rotation record keeps instead of a refresh token. */
const fingerprint = (token: string) => createHash('sha256').update(token).digest('base64url')

/** The JWT's signature: the part of an access token no other token shares. */
const signatureOf = (jwt: string) => jwt.split('.')[2] ?? jwt

describeInBrowser('no token is left in the browser’s stores once the session ends', () => {
  // Long-lived tokens: no refresh falls due by itself; the test's "Expire now" clicks are all.
  const env = useDemoWithProfiles({ accessTokenTtl: 120 })

  it('two tabs sign in, refresh and sign out; then no store of the origin holds any token issued', async () => {
    const issued = recordIssuedTokens(env.profile)
    const tabA = await openTab(env.profile, env.demo.url, 'unauthenticated')
    await signIn(tabA)
    const tabB = await openTab(env.profile, `${env.demo.url}vanilla`, 'authenticated')
    expect(await heldTokenId(tabB)).toBe(await heldTokenId(tabA))
    // A refresh in each tab, each taken up by the other, so both tabs' writes are covered.
    await refreshAndFollow(tabA, tabB)
    await refreshAndFollow(tabB, tabA)

    // Every token the server issued reached the record: one set per successful sign-in or refresh.
    const { access, refresh } = await issued.all()
    const answered = env.demo
      .requests()
      .filter((r) => r.status === 200 && (r.path === '/auth/login' || r.path === '/auth/refresh'))
    expect(answered.map((r) => r.path)).toEqual(['/auth/login', '/auth/refresh', '/auth/refresh'])
    expect([access.length, refresh.length]).toEqual([3, 3])
    expect(new Set([...access, ...refresh]).size, 'every token issued is a new one').toBe(6)
    // The sink's token is the latest issued, as the tabs' token ids already say.
    expect((await currentToken(tabA)) === access[2], 'tab A holds the latest access token').toBe(true)

    const needles: Needle[] = [
      ...access.flatMap((value, i) => [
        { label: `access token ${i + 1}`, value },
        { label: `signature of access token ${i + 1}`, value: signatureOf(value) },
      ]),
      ...refresh.flatMap((value, i) => [
        { label: `refresh token ${i + 1}`, value },
        { label: `fingerprint of refresh token ${i + 1}`, value: fingerprint(value) },
      ]),
    ]

    // While signed in the sweep finds the session, so it can fail: the latest tokens in
    // localStorage, and in IndexedDB only the rotation record's fingerprint of the refresh token.
    // No earlier token is kept anywhere.
    for (const tab of [tabA, tabB]) {
      const signedIn = await sweep(tab, needles)
      expect(signedIn.hits.sort()).toEqual(
        [
          'localStorage "authchart.session": access token 3',
          'localStorage "authchart.session": signature of access token 3',
          'localStorage "authchart.session": refresh token 3',
          expect.stringMatching(/^indexedDB authchart\/rotation .*: fingerprint of refresh token 3$/),
        ].sort(),
      )
      expect(signedIn.sessionStorage).toEqual([])
    }

    await tabB.getByRole('button', { name: 'Sign out' }).click()
    for (const tab of [tabA, tabB]) await waitForStatus(tab, 'unauthenticated')
    // The sign-out is done in both tabs, its deletions included, before the stores are read.
    await expect.poll(() => testId(tabB, 'activity').textContent(), WAIT).toContain('Sign out: signed out')
    for (const tab of [tabA, tabB]) expect(await currentToken(tab)).toBeNull()

    for (const tab of [tabA, tabB]) {
      const signedOut = await sweep(tab, needles)
      expect(signedOut.hits, 'a token (or fingerprint) left after sign-out').toEqual([])
      expect(signedOut.localStorage).not.toContain('authchart.session')
      expect(signedOut.sessionStorage).toEqual([])
      // The rotation record is deleted with its session.
      for (const db of signedOut.indexedDB) {
        expect(
          Object.values(db.stores).every((count) => count === 0),
          `records left in ${db.name}`,
        ).toBe(true)
      }
    }
    // Nothing issued later could have been missed: no login or refresh after the sign-out.
    expect((await issued.all()).access).toHaveLength(3)
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)
})

/**
 * Init script: records every write the page makes to localStorage or sessionStorage and every
 * IndexedDB open or deletion, so that a write undone before the test looks is seen as well.
 */
function recordStorageWrites() {
  const writes: string[] = []
  Object.assign(window, { storageWrites: writes })
  const where = (storage: Storage) => {
    try {
      return storage === window.localStorage ? 'localStorage' : 'sessionStorage'
    } catch {
      return 'a storage'
    }
  }
  const { setItem, removeItem, clear } = Storage.prototype
  Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
    writes.push(`${where(this)}.setItem(${JSON.stringify(key)})`)
    return setItem.call(this, key, value)
  }
  Storage.prototype.removeItem = function (this: Storage, key: string) {
    writes.push(`${where(this)}.removeItem(${JSON.stringify(key)})`)
    return removeItem.call(this, key)
  }
  Storage.prototype.clear = function (this: Storage) {
    writes.push(`${where(this)}.clear()`)
    return clear.call(this)
  }
  const { open, deleteDatabase } = IDBFactory.prototype
  IDBFactory.prototype.open = function (this: IDBFactory, name: string, version?: number) {
    writes.push(`indexedDB.open(${JSON.stringify(name)})`)
    return open.call(this, name, version)
  }
  IDBFactory.prototype.deleteDatabase = function (this: IDBFactory, name: string) {
    writes.push(`indexedDB.deleteDatabase(${JSON.stringify(name)})`)
    return deleteDatabase.call(this, name)
  }
}

describeInBrowser('with createMemoryStorage() (?storage=memory) nothing is written to any store', () => {
  const env = useDemoWithProfiles({ accessTokenTtl: 120 }, async (profile) => {
    await profile.context.addInitScript(recordStorageWrites)
  })

  /** The stores are empty, and the page never wrote to them (nor opened a database). */
  const expectUntouched = async (tab: Page, when: string) => {
    expect(await sweep(tab, []), `stores ${when}`).toEqual({
      localStorage: [],
      sessionStorage: [],
      indexedDB: [],
      hits: [],
    })
    const writes = await tab.evaluate(() => (window as unknown as { storageWrites: string[] }).storageWrites)
    expect(writes, `writes ${when}`).toEqual([])
  }

  it('two tabs sign in, refresh and sign out on memory storage, and the stores stay empty throughout', async () => {
    const tabA = await openTab(env.profile, `${env.demo.url}?storage=memory`, 'unauthenticated')
    const tabB = await openTab(env.profile, `${env.demo.url}vanilla?storage=memory`, 'unauthenticated')
    for (const tab of [tabA, tabB]) {
      expect(await testId(tab, 'storage').textContent()).toBe('memory')
      await expectUntouched(tab, 'after load')
    }

    // The session reaches tab B over BroadcastChannel: there is no store for it to come through.
    await signIn(tabA)
    await waitForStatus(tabB, 'authenticated')
    const first = await heldTokenId(tabA)
    expect(first).not.toBeNull()
    expect(await heldTokenId(tabB)).toBe(first)
    for (const tab of [tabA, tabB]) await expectUntouched(tab, 'while signed in')

    await refreshAndFollow(tabA, tabB)
    await refreshAndFollow(tabB, tabA)
    for (const tab of [tabA, tabB]) await expectUntouched(tab, 'after the refreshes')
    expect(env.demo.count('POST /auth/refresh')).toBe(2)

    await tabA.getByRole('button', { name: 'Sign out' }).click()
    for (const tab of [tabA, tabB]) await waitForStatus(tab, 'unauthenticated')
    await expect.poll(() => testId(tabA, 'activity').textContent(), WAIT).toContain('Sign out: signed out')
    for (const tab of [tabA, tabB]) await expectUntouched(tab, 'after sign-out')

    // Memory is all there was: a reload of a tab comes back signed out.
    await tabA.getByRole('button', { name: 'Sign in' }).click()
    await waitForStatus(tabB, 'authenticated')
    await tabB.reload()
    await waitForStatus(tabB, 'unauthenticated')
    for (const tab of [tabA, tabB]) await expectUntouched(tab, 'after a reload while signed in')
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)
})
