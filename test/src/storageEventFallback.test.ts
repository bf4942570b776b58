// @vitest-environment jsdom
import { createAuthClient } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { credentials } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'

const KEY = 'authchart.session'

/** What the browser does in every other tab of the profile when one tab writes localStorage. */
function storageEventFromAnotherTab(key: string, newValue: string | null) {
  window.dispatchEvent(new StorageEvent('storage', { key, newValue, storageArea: localStorage }))
}

// A page without BroadcastChannel: tab messages travel as `storage` events (docs/cross-tab.md).
describe('tabs: true without BroadcastChannel', () => {
  beforeEach(() => {
    vi.stubGlobal('BroadcastChannel', undefined)
    localStorage.clear()
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  async function signedInTab() {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const tab = createAuthClient({ adapter, clock, random: () => 0.5 }).start()
    await clock.flush()
    await tab.signIn(credentials)
    return { clock, adapter, tab }
  }

  it('takes a session another tab stored, without a request', async () => {
    const { clock, adapter, tab } = await signedInTab()
    // Another tab of the profile signs in again: its client writes the shared key.
    const other = createAuthClient({ adapter, clock, tabs: false, random: () => 0.5 }).start()
    await clock.advance(60_000) // a later sign-in: its session is the newer one
    await other.signIn(credentials)
    const newer = heldSession(other)
    expect(newer?.accessToken).toEqual(expect.any(String))
    const calls = { ...adapter.calls }
    storageEventFromAnotherTab(KEY, localStorage.getItem(KEY))
    await clock.flush()
    // Compared as a boolean, so that a failure does not print tokens.
    expect(heldSession(tab)?.accessToken === newer?.accessToken).toBe(true)
    expect(adapter.calls).toEqual(calls)
    other.stop()
  })

  it('signs out when another tab signs out, and the sinks get null', async () => {
    const { clock, tab } = await signedInTab()
    const sink = vi.fn()
    tab.addTokenSink(sink)
    // What a signing-out tab writes: the cleared session key, then its sign-out mark.
    storageEventFromAnotherTab(KEY, null)
    storageEventFromAnotherTab(`${KEY}:signedOut`, 'another-tab:1')
    await clock.flush()
    expect(tab.getSnapshot().status).toBe('unauthenticated')
    expect(sink).toHaveBeenLastCalledWith(null)
  })

  it('stays signed in when another tab only cleared the session (its session expired)', async () => {
    const { clock, tab } = await signedInTab()
    const token = heldSession(tab)?.accessToken
    storageEventFromAnotherTab(KEY, null)
    await clock.flush()
    expect(tab.getSnapshot().status).toBe('authenticated')
    expect(heldSession(tab)?.accessToken).toBe(token)
  })

  it('a sign-out here writes the mark the other tabs sign out on, a new one each time', async () => {
    const { clock, tab } = await signedInTab()
    await tab.signOut()
    await clock.flush()
    expect(localStorage.getItem(KEY)).toBeNull()
    const first = localStorage.getItem(`${KEY}:signedOut`)
    expect(first).not.toBeNull()
    // A second sign-out must change the mark, or the browser would fire no storage event for it.
    await tab.signIn(credentials)
    await tab.signOut()
    await clock.flush()
    expect(localStorage.getItem(`${KEY}:signedOut`)).not.toBe(first)
  })
})
