import { createAuthClient, createMemoryStorage, InvalidSessionError } from 'authchart'
import { createFakeAdapter, createFakeClock, createFakeTabs } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, settle } from '../fixtures/settle.js'

const CHANNEL = 'authchart:authchart.session'
const LOCK = 'authchart:refresh:authchart.session'

function profileWithTabs(count: number, latency = 200) {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock, latency: { refresh: latency } })
  const profile = createFakeTabs()
  const tabs = Array.from({ length: count }, () =>
    createAuthClient({ adapter, clock, storage: profile.storage, tabs: profile, random: () => 0.5 }).start(),
  )
  return { clock, adapter, profile, tabs }
}

describe('cross-tab (I2 across tabs)', () => {
  it('a sign-in in one tab reaches the others without a request', async () => {
    const { clock, adapter, tabs } = profileWithTabs(2)
    await clock.flush()
    const [a, b] = tabs
    const session = await a?.signIn(credentials)
    await clock.flush()
    expect(b?.getSnapshot().status).toBe('authenticated')
    expect(b?.getSnapshot().session).toEqual(session)
    expect(heldSession(b)?.accessToken).toEqual(expect.any(String))
    expect(heldSession(b)?.accessToken).toBe(heldSession(a)?.accessToken)
    expect(adapter.calls.validate + adapter.calls.refresh).toBe(0)
  })

  it('at expiry exactly one refresh request is sent for three tabs, and all hold the new token', async () => {
    const { clock, adapter, tabs } = profileWithTabs(3)
    await clock.flush()
    const signIn = settle(tabs[0]!.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    clock.jump(HOUR - MINUTE / 2) // every tab wakes inside the margin at once
    const calls = tabs.flatMap((tab) => Array.from({ length: 100 }, () => settle(tab.getToken())))
    await clock.advance(1_000)
    const tokens = calls.map(fulfilled)
    expect(adapter.calls.refresh).toBe(1)
    expect(new Set(tokens).size).toBe(1)
    for (const tab of tabs) expect(heldSession(tab)?.accessToken).toBe(tokens[0])
    // and over many expiries, no refresh token is ever presented twice
    for (let i = 0; i < 4; i++) await clock.advance(HOUR)
    expect(adapter.calls.refresh).toBe(5)
    expect(new Set(adapter.refreshTokensSent).size).toBe(adapter.refreshTokensSent.length)
    for (const tab of tabs) expect(tab.getSnapshot().status).toBe('authenticated')
  })

  it('without the shared lock, two tabs spend one rotating refresh token and the family is revoked', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock, latency: { refresh: 200 } })
    const { storage } = createFakeTabs()
    // Two tabs that share storage but neither a channel nor a lock: the auth-js #213 set-up.
    const a = createAuthClient({ adapter, clock, storage, tabs: false }).start()
    await clock.flush()
    await a.signIn(credentials)
    const b = createAuthClient({ adapter, clock, storage, tabs: false }).start()
    await clock.flush()
    expect(b.getSnapshot().status).toBe('authenticated')
    await clock.advance(HOUR - MINUTE + 1_000)
    expect(adapter.refreshTokensSent).toHaveLength(2)
    expect(adapter.refreshTokensSent[0]).toBe(adapter.refreshTokensSent[1])
    expect([a.getSnapshot().status, b.getSnapshot().status]).toContain('expired')
  })

  it('a sign-out in one tab signs out every tab, and every sink gets null', async () => {
    const { clock, tabs } = profileWithTabs(2)
    await clock.flush()
    const [a, b] = tabs
    await a?.signIn(credentials)
    await clock.flush()
    const sinkB: Array<string | null> = []
    b?.addTokenSink((t) => {
      sinkB.push(t)
    })
    await a?.signOut()
    await clock.flush()
    expect(b?.getSnapshot().status).toBe('unauthenticated')
    expect(sinkB.at(-1)).toBeNull()
  })

  it('ignores and reports malformed messages and messages of another protocol version', async () => {
    const { clock, profile, tabs } = profileWithTabs(1)
    await clock.flush()
    const [a] = tabs
    const session = await a?.signIn(credentials)
    const held = heldSession(a)
    expect(held?.accessToken).toEqual(expect.any(String))
    profile.post(CHANNEL, { v: 2, from: 'future-tab', type: 'signedOut' })
    await clock.flush()
    expect(a?.getSnapshot().status).toBe('authenticated')
    expect(a?.getSnapshot().error).toBeInstanceOf(InvalidSessionError)
    expect(a?.getSnapshot().error?.message).toContain('protocol version 2')
    // An older tab's session message, well formed for its own version.
    const stale = { ...held, expiresAt: clock.now() + 2 * HOUR }
    profile.post(CHANNEL, { v: 0, from: 'old-tab', type: 'session', ...stale, refreshTokenAt: null })
    await clock.flush()
    expect(a?.getSnapshot().error?.message).toContain('protocol version 0')
    expect(a?.getSnapshot().session?.expiresAt).toBe(session?.expiresAt)
    profile.post(CHANNEL, { hello: 'world' })
    await clock.flush()
    expect(a?.getSnapshot().error?.message).toContain('malformed')
    expect(heldSession(a)?.accessToken).toBe(held?.accessToken)
  })

  it('a tab that hangs holding the lock does not block the others: the wait is bounded, then retried', async () => {
    const { clock, adapter, profile, tabs } = profileWithTabs(1)
    await clock.flush()
    const [a] = tabs
    await a?.signIn(credentials)
    const release = profile.holdLock(LOCK)
    await clock.advance(HOUR - MINUTE)
    expect(a?.getSnapshot().status).toBe('refreshing')
    await clock.advance(15_000) // the request timeout
    expect(a?.getSnapshot().error?.code).toBe('request_timeout')
    expect(adapter.calls.refresh).toBe(0)
    release()
    await clock.advance(2_000) // the backoff retry gets the lock
    expect(adapter.calls.refresh).toBe(1)
    expect(a?.getSnapshot().status).toBe('authenticated')
  })

  it('a tab whose adapter hangs and ignores the abort lets go of the lock at its request timeout', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock, latency: { refresh: 200 } })
    const profile = createFakeTabs()
    // Tab A's refresh never settles and never looks at its AbortSignal (a stuck network stack).
    const stuck = Object.create(adapter, { refresh: { value: () => new Promise<never>(() => undefined) } })
    const open = (tabAdapter: typeof adapter, refreshMargin: number) =>
      createAuthClient({ adapter: tabAdapter, clock, storage: profile.storage, tabs: profile, refreshMargin }).start()
    const a = open(stuck, 2 * MINUTE) // due first, so it takes the lock first
    const b = open(adapter, MINUTE)
    await clock.flush()
    await b.signIn(credentials)
    const first = heldSession(b)
    expect(first?.accessToken).toEqual(expect.any(String))
    await clock.flush()
    expect(heldSession(a)?.accessToken).toBe(first?.accessToken)

    await clock.advance(HOUR - 2 * MINUTE + 15_000) // A took the lock, then timed out
    expect(a.getSnapshot().error?.code).toBe('request_timeout')
    // B falls due while A, retrying with backoff, still takes the lock for 15 s at a time. Web
    // Locks grant in order, so B's wait ends with one of A's timeouts, within B's own 15 s.
    await clock.advance(MINUTE + 15_000)
    expect(adapter.calls.refresh).toBe(1)
    expect(b.getSnapshot().status).toBe('authenticated')
    expect(heldSession(b)?.accessToken).not.toBe(first?.accessToken)
    // A takes the new session from the broadcast: the stuck adapter never has to answer.
    expect(heldSession(a)?.accessToken).toBe(heldSession(b)?.accessToken)
  })

  it('a refresh that times out while reading the store under the lock never sends its token', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const memory = createMemoryStorage()
    // A store whose reads can be held: the read inside the lock outlives the request timeout.
    let holdReads = false
    const heldReads: Array<() => void> = []
    const storage = {
      getItem: (key: string) =>
        holdReads
          ? new Promise<string | null>((resolve) => heldReads.push(() => resolve(memory.getItem(key))))
          : memory.getItem(key),
      setItem: (key: string, value: string) => memory.setItem(key, value),
      removeItem: (key: string) => memory.removeItem(key),
    }
    const tab = createAuthClient({ adapter, clock, storage, tabs: createFakeTabs(), random: () => 0.5 }).start()
    await clock.flush()
    await tab.signIn(credentials)
    holdReads = true
    await clock.advance(HOUR - MINUTE + 15_000) // due, then the request timeout, still reading
    expect(tab.getSnapshot().error?.code).toBe('request_timeout')
    holdReads = false
    for (const release of heldReads.splice(0)) release()
    await clock.flush()
    // The abandoned attempt stopped at the read; only the backoff retry sends the token.
    expect(adapter.calls.refresh).toBe(0)
    await clock.advance(2_000)
    expect(adapter.calls.refresh).toBe(1)
    expect(tab.getSnapshot().status).toBe('authenticated')
  })

  it('stops listening when stopped', async () => {
    const { clock, tabs } = profileWithTabs(2)
    await clock.flush()
    const [a, b] = tabs
    b?.stop()
    await a?.signIn(credentials)
    await clock.flush()
    expect(b?.getSnapshot().status).toBe('unauthenticated')
  })
})
