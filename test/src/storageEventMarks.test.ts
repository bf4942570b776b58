import { AuthError, createAuthClient, type SessionStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { credentials } from '../fixtures/setupClient.js'
import { fulfilled, settle } from '../fixtures/settle.js'

// The `storage`-event fallback of src/createTabSync.ts (a page without BroadcastChannel, the
// session in localStorage) in Node: stubbed page globals whose `storage` listeners the test
// holds, so it can fire any event and see what is left listening.

const KEY = 'authchart.session'
const MARK = `${KEY}:signedOut`

type StorageListener = (event: { key: string | null; newValue: string | null }) => void

function stubPage() {
  const items = new Map<string, string>()
  const listeners = new Set<StorageListener>()
  const failing = new Set<string>()
  const localStorage: SessionStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      if (failing.has(key)) throw new DOMException('the quota has been exceeded', 'QuotaExceededError')
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  }
  vi.stubGlobal('document', {})
  vi.stubGlobal('navigator', {})
  vi.stubGlobal('BroadcastChannel', undefined)
  vi.stubGlobal('localStorage', localStorage)
  vi.stubGlobal('addEventListener', (type: string, listener: StorageListener) => {
    if (type === 'storage') listeners.add(listener)
  })
  vi.stubGlobal('removeEventListener', (type: string, listener: StorageListener) => {
    if (type === 'storage') listeners.delete(listener)
  })
  return {
    localStorage,
    items,
    listeners,
    failing,
    /** What the browser does in this tab when another tab of the profile writes `key`. */
    fire(key: string | null, newValue: string | null) {
      for (const listener of [...listeners]) listener({ key, newValue })
    },
  }
}

async function signedInTab() {
  const page = stubPage()
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  // An inspector that throws once, on the next event the chart hears: its error surfaces from
  // the `send` inside the storage-event handler.
  let breakNext = false
  const inspect = (inspection: { type: string }) => {
    if (inspection.type !== '@xstate.event' || !breakNext) return
    breakNext = false
    throw new TypeError('the inspector broke')
  }
  const auth = createAuthClient({ adapter, clock, storage: page.localStorage, random: () => 0.5, inspect }).start()
  const errors: unknown[] = []
  auth.on('error', (event) => errors.push(event.error))
  await clock.flush()
  const signIn = settle(auth.signIn(credentials))
  await clock.flush()
  fulfilled(signIn)
  const breakInspectorOnce = () => {
    breakNext = true
  }
  return { page, clock, adapter, auth, errors, breakInspectorOnce }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the storage-event fallback', () => {
  it('listens for storage events while it runs, and not after stop()', async () => {
    const { page, auth } = await signedInTab()
    expect(page.listeners.size).toBe(1)
    auth.stop()
    expect(page.listeners.size).toBe(0)
  })

  it('a removed sign-out mark is not a sign-out', async () => {
    const { page, clock, auth, errors } = await signedInTab()
    page.fire(MARK, null)
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(errors).toEqual([])
  })

  it('ignores other keys and a cleared session key, without an error', async () => {
    const { page, clock, auth, errors } = await signedInTab()
    page.fire('some.other.key', 'not a session')
    page.fire(null, null) // localStorage.clear() in another tab
    page.fire(KEY, null)
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(errors).toEqual([])
  })

  it('reports a session key another tab wrote that does not decode, and keeps its own session', async () => {
    const { page, clock, auth, errors } = await signedInTab()
    page.fire(KEY, '{ not json')
    await clock.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AuthError)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('an error that is not an authchart error while a stored session is taken is reported as a bad storage event', async () => {
    const { page, clock, adapter, auth, errors, breakInspectorOnce } = await signedInTab()
    // Another tab's later sign-in, as its store wrote it.
    const other = createAuthClient({ adapter, clock, storage: page.localStorage, tabs: false }).start()
    await clock.advance(60_000)
    const signIn = settle(other.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const written = page.items.get(KEY)!
    other.stop()
    breakInspectorOnce()
    expect(() => page.fire(KEY, written)).not.toThrow()
    await clock.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AuthError)
    expect((errors[0] as Error).message).toBe('bad storage event')
    expect((errors[0] as Error).cause).toEqual(new TypeError('the inspector broke'))
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('each sign-out writes a new mark: this tab’s id and a count that goes up', async () => {
    const { page, clock, auth } = await signedInTab()
    const first = settle(auth.signOut())
    await clock.flush()
    fulfilled(first)
    const mark1 = page.items.get(MARK)
    expect(mark1).toMatch(/^.+:1$/)
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const second = settle(auth.signOut())
    await clock.flush()
    fulfilled(second)
    expect(page.items.get(MARK)).toBe(`${mark1!.slice(0, -2)}:2`)
  })

  it('a page whose localStorage is gone by the sign-out signs out without an error', async () => {
    const { clock, auth, errors } = await signedInTab()
    vi.stubGlobal('localStorage', undefined)
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(errors).toEqual([])
  })

  it('a mark that cannot be written is reported with its cause, and the sign-out still happens', async () => {
    const { page, clock, auth, errors } = await signedInTab()
    page.failing.add(MARK)
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AuthError)
    expect((errors[0] as Error).message).toBe('could not tell the other tabs of the sign-out')
    expect((errors[0] as Error).cause).toBeInstanceOf(DOMException)
  })
})
