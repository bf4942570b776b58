// @vitest-environment jsdom
import { bindBrowserEvents } from 'authchart/vanilla'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeClient } from '../../fixtures/reloadWithStoredSession.js'
import { credentials, HOUR, MINUTE } from '../../fixtures/setupClient.js'
import { chartActor, heldSession } from '../../fixtures/heldSession.js'

let visibility: DocumentVisibilityState = 'visible'
Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility })

const unbinds: Array<() => void> = []
afterEach(() => {
  for (const unbind of unbinds.splice(0)) unbind()
  visibility = 'visible'
})

async function signedInAndBound() {
  const env = makeClient()
  env.auth.start()
  await env.clock.flush()
  await env.auth.signIn(credentials)
  unbinds.push(bindBrowserEvents(env.auth, { window }))
  return env
}

function wake() {
  visibility = 'visible'
  document.dispatchEvent(new Event('visibilitychange'))
}

describe('bindBrowserEvents', () => {
  it('refreshes at once when a tab wakes past the margin, before any timer runs', async () => {
    const { auth, adapter, clock } = await signedInAndBound()
    const old = heldSession(auth)?.accessToken
    visibility = 'hidden'
    document.dispatchEvent(new Event('visibilitychange'))
    clock.jump(HOUR + MINUTE) // slept past expiry: no timer has fired
    expect(auth.getSnapshot().status).toBe('authenticated')

    wake()
    await clock.flush() // promises settle; time does not move

    expect(adapter.calls.refresh).toBe(1)
    const session = auth.getSnapshot().session
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(heldSession(auth)?.accessToken).not.toBe(old)
    expect(session && session.expiresAt - MINUTE > clock.now()).toBe(true)
  })

  it("refreshes at once when the network comes back ('online') with a due token", async () => {
    const { adapter, clock } = await signedInAndBound()
    clock.jump(HOUR)
    window.dispatchEvent(new Event('online'))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(1)
  })

  it('sends nothing when the token is not due, or the page was hidden', async () => {
    const { adapter, clock } = await signedInAndBound()
    wake()
    window.dispatchEvent(new Event('online'))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(0)

    clock.jump(HOUR)
    visibility = 'hidden'
    document.dispatchEvent(new Event('visibilitychange'))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(0)
  })

  it('stops listening once unbound', async () => {
    const { adapter, clock } = await signedInAndBound()
    for (const unbind of unbinds.splice(0)) unbind()
    clock.jump(HOUR)
    wake()
    window.dispatchEvent(new Event('online'))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(0)
  })

  it('ignores the events once the client is stopped', async () => {
    const { auth, adapter, clock } = await signedInAndBound()
    auth.stop()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    clock.jump(HOUR)
    wake()
    await clock.flush()
    expect(adapter.calls.refresh).toBe(0)
    expect(warn).not.toHaveBeenCalled() // XState warns about events sent to a stopped actor
    warn.mockRestore()
  })

  it('listens on the window it is given', async () => {
    const { auth, adapter, clock } = makeClient()
    auth.start()
    await clock.flush()
    await auth.signIn(credentials)
    const target = new EventTarget()
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as const })
    const unbind = bindBrowserEvents(auth, {
      window: Object.assign(target, { document: doc }),
    })
    clock.jump(HOUR)
    doc.dispatchEvent(new Event('visibilitychange'))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(1)
    unbind()
  })

  it("'online' while a refresh is backing off does not cut the backoff short; the retry follows it", async () => {
    const { auth, adapter, clock } = await signedInAndBound()
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE) // due: the refresh fails and backs off (about 1 s)
    expect(
      chartActor(auth)
        .getSnapshot()
        .matches({ session: { refreshing: 'backingOff' } }),
    ).toBe(true)
    const attempts = adapter.calls.refresh
    window.dispatchEvent(new Event('online'))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(attempts)
    await clock.advance(1_000)
    expect(adapter.calls.refresh).toBe(attempts + 1)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it("while 'offline', a failed refresh waits the longest delay, and retries at once on 'online'", async () => {
    const { auth, adapter, clock } = await signedInAndBound()
    window.dispatchEvent(new Event('offline'))
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE) // due: the one attempt fails and backs off
    const attempts = adapter.calls.refresh
    expect(attempts).toBe(1)
    await clock.advance(29_000) // online, the first retry would have come after about 1 s
    expect(adapter.calls.refresh).toBe(attempts)
    expect(
      chartActor(auth)
        .getSnapshot()
        .matches({ session: { refreshing: 'backingOff' } }),
    ).toBe(true)
    // The held token still serves callers meanwhile (I1's backoff exception).
    await expect(auth.getToken()).resolves.toBe(heldSession(auth)?.accessToken)

    window.dispatchEvent(new Event('online'))
    await clock.flush()
    expect(adapter.calls.refresh).toBe(attempts + 1)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it("a wrong 'offline' costs at most the longest delay (30 s): the retry still comes", async () => {
    const { auth, adapter, clock } = await signedInAndBound()
    window.dispatchEvent(new Event('offline')) // and `online` never comes
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE)
    await clock.advance(30_000)
    expect(adapter.calls.refresh).toBe(2)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('online, the same failed refresh retries on its backoff timer', async () => {
    const { auth, adapter, clock } = await signedInAndBound()
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE)
    await clock.advance(2_000)
    expect(adapter.calls.refresh).toBe(2)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('a page opened offline (navigator.onLine false) starts offline; unbinding clears it', async () => {
    const { auth, adapter, clock } = makeClient()
    auth.start()
    await clock.flush()
    await auth.signIn(credentials)
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as const })
    const offlineWindow = Object.assign(new EventTarget(), { document: doc, navigator: { onLine: false } })
    const unbind = bindBrowserEvents(auth, { window: offlineWindow })
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE + 2_000)
    expect(adapter.calls.refresh).toBe(1) // offline: the retry waits the longest delay

    // A component that unbinds and binds again on a page that is online now: no stale flag.
    unbind()
    adapter.enqueue('refresh', 'transient')
    unbinds.push(bindBrowserEvents(auth, { window: Object.assign(new EventTarget(), { document: doc }) }))
    await clock.flush() // binding says `online`: the backing-off refresh retries at once, and fails
    expect(adapter.calls.refresh).toBe(2)
    await clock.advance(4_000) // online: the next backoff is a few seconds, not 30
    expect(adapter.calls.refresh).toBe(3)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })
})
