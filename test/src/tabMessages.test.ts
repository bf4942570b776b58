import {
  AuthError,
  createAuthClient,
  createMemoryStorage,
  InvalidSessionError,
  parseSession,
  type Session,
  type TabChannel,
} from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { credentials, HOUR } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, settle } from '../fixtures/settle.js'

// What a tab hears and says on its channel (src/createTabSync.ts, and the tab handlers of
// src/createAuthEffects.ts), through a `tabs: { channel }` of the test's own: a channel that
// keeps its listeners by event type, delivers synchronously, and counts what is left on it.

interface ProbeChannel extends TabChannel {
  readonly posted: unknown[]
  /** Delivers `data` to the `message` listeners, as another tab's post would. */
  deliver(data: unknown): void
  listeners(): number
  readonly closed: boolean
  failPosts(): void
}

function createProbeChannel(): ProbeChannel {
  const byType = new Map<string, Set<(event: { data: unknown }) => void>>()
  let closed = false
  let failing = false
  return {
    posted: [],
    postMessage(message) {
      if (failing) throw new DOMException('the channel is closed', 'InvalidStateError')
      this.posted.push(message)
    },
    addEventListener(type, listener) {
      const set = byType.get(type) ?? new Set()
      byType.set(type, set)
      set.add(listener)
    },
    removeEventListener(type, listener) {
      byType.get(type)?.delete(listener)
    },
    close() {
      closed = true
    },
    deliver(data) {
      for (const listener of [...(byType.get('message') ?? [])]) listener({ data })
    },
    listeners: () => [...byType.values()].reduce((n, set) => n + set.size, 0),
    get closed() {
      return closed
    },
    failPosts() {
      failing = true
    },
  }
}

function openTab() {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  const channel = createProbeChannel()
  const names: string[] = []
  const events: Array<{ type: string; origin?: unknown }> = []
  // An inspector that throws once, on the next event the chart hears: its error surfaces from
  // the `send` inside the tab's message handler.
  let breakNext = false
  const auth = createAuthClient({
    adapter,
    clock,
    storage: createMemoryStorage(),
    random: () => 0.5,
    tabs: {
      channel: (name) => {
        names.push(name)
        return channel
      },
    },
    inspect: (inspection) => {
      if (inspection.type !== '@xstate.event') return
      if (breakNext) {
        breakNext = false
        throw new TypeError('the inspector broke')
      }
      events.push(inspection.event as { type: string; origin?: unknown })
    },
  }).start()
  const errors: unknown[] = []
  auth.on('error', (event) => errors.push(event.error))
  const breakInspectorOnce = () => {
    breakNext = true
  }
  return { clock, adapter, channel, names, events, auth, errors, breakInspectorOnce }
}

async function signedInTab() {
  const tab = openTab()
  await tab.clock.flush()
  const signIn = settle(tab.auth.signIn(credentials))
  await tab.clock.flush()
  fulfilled(signIn)
  return tab
}

/** A session issued to another tab, stamped `at` ms from this tab's now. */
async function otherTabSession(tab: ReturnType<typeof openTab>, at = 0): Promise<Session> {
  const { signal } = new AbortController()
  const server = createFakeAdapter() // stamps its tokens with the call's `now`
  return parseSession(await server.signIn(credentials, { signal, now: () => tab.clock.now() + at }))
}

function sessionMessage(session: Session, from = 'another-tab') {
  const { accessToken, refreshToken, idToken, expiresAt, user } = session
  return { v: 1, from, type: 'session', accessToken, refreshToken, idToken, expiresAt, user, refreshTokenAt: null }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('tab messages', () => {
  it('a null message is reported as malformed, with the parse error as its cause, and changes nothing', async () => {
    const { channel, auth, errors, clock } = await signedInTab()
    expect(() => channel.deliver(null)).not.toThrow()
    await clock.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(InvalidSessionError)
    expect((errors[0] as Error).message).toBe('a malformed tab message was ignored')
    expect((errors[0] as Error).cause).toBeDefined()
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('a function that carries a `v` is malformed, not another protocol version', async () => {
    const { channel, errors, clock } = await signedInTab()
    channel.deliver(Object.assign(() => undefined, { v: 2 }))
    await clock.flush()
    expect((errors[0] as Error).message).toBe('a malformed tab message was ignored')
  })

  it('a message of this protocol version with a bad body is malformed, not another version', async () => {
    const { channel, errors, clock } = await signedInTab()
    channel.deliver({ v: 1, from: 'another-tab', type: 'hello' })
    channel.deliver({ v: 2, from: 'another-tab', type: 'signedOut' })
    await clock.flush()
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'a malformed tab message was ignored',
      'a tab message of protocol version 2 (this tab speaks 1) was ignored',
    ])
  })

  it('a tab ignores its own messages and takes another tab’s sign-out', async () => {
    const { channel, auth, clock, names } = await signedInTab()
    expect(names).toEqual(['authchart:authchart.session'])
    const own = channel.posted[0] as { from: string; type: string }
    expect(own.type).toBe('session')
    channel.deliver({ v: 1, from: own.from, type: 'signedOut' })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('authenticated')
    channel.deliver({ v: 1, from: 'another-tab', type: 'signedOut' })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
  })

  it('a tab’s id is a random UUID; without crypto.randomUUID, a time-and-random id that is never empty', async () => {
    const { channel } = await signedInTab()
    expect((channel.posted[0] as { from: string }).from).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    )
    vi.stubGlobal('crypto', {})
    const without = await signedInTab()
    expect((without.channel.posted[0] as { from: string }).from).toMatch(/^\d+-0\.\d+/)
  })

  it('a session message that is not a session is reported with where it came from', async () => {
    const tab = await signedInTab()
    const held = heldSession(tab.auth)
    tab.channel.deliver({ ...sessionMessage(await otherTabSession(tab, 60_000)), expiresAt: -1 })
    await tab.clock.flush()
    expect(tab.errors).toHaveLength(1)
    expect(tab.errors[0]).toBeInstanceOf(InvalidSessionError)
    expect((tab.errors[0] as Error).message).toMatch(/^session from another tab is invalid /)
    expect(heldSession(tab.auth)?.accessToken === held?.accessToken).toBe(true)
  })

  it('an expired session from another tab is reported and not taken', async () => {
    const tab = await signedInTab()
    const held = heldSession(tab.auth)
    tab.channel.deliver(sessionMessage(await otherTabSession(tab, -2 * HOUR)))
    await tab.clock.flush()
    expect(tab.errors).toHaveLength(1)
    expect(tab.errors[0]).toBeInstanceOf(InvalidSessionError)
    expect((tab.errors[0] as Error).message).toMatch(/^session from another tab expired /)
    expect(heldSession(tab.auth)?.accessToken === held?.accessToken).toBe(true)
  })

  it('a newer session from another tab is taken, and the chart hears it as from a tab', async () => {
    const tab = await signedInTab()
    const newer = await otherTabSession(tab, 60_000)
    tab.channel.deliver(sessionMessage(newer))
    await tab.clock.flush()
    expect(tab.errors).toEqual([])
    expect(heldSession(tab.auth)?.accessToken === newer.accessToken).toBe(true)
    const heard = tab.events.filter((event) => event.type === 'tab.sessionChanged')
    expect(heard.map((event) => event.origin)).toEqual(['tab'])
    tab.channel.deliver({ v: 1, from: 'another-tab', type: 'signedOut' })
    await tab.clock.flush()
    const signOuts = tab.events.filter((event) => event.type === 'tab.signedOut')
    expect(signOuts.map((event) => event.origin)).toEqual(['tab'])
  })

  it('an error that is not an authchart error while a tab’s session is taken is reported as a bad tab message', async () => {
    const tab = await signedInTab()
    const message = sessionMessage(await otherTabSession(tab, 60_000))
    tab.breakInspectorOnce()
    expect(() => tab.channel.deliver(message)).not.toThrow()
    await tab.clock.flush()
    expect(tab.errors).toHaveLength(1)
    expect(tab.errors[0]).toBeInstanceOf(AuthError)
    expect((tab.errors[0] as Error).message).toBe('bad tab message')
    expect((tab.errors[0] as Error).cause).toEqual(new TypeError('the inspector broke'))
  })

  it('a channel that fails to post is reported with its error as the cause; the sign-in still succeeds', async () => {
    const tab = openTab()
    await tab.clock.flush()
    tab.channel.failPosts()
    const signIn = settle(tab.auth.signIn(credentials))
    await tab.clock.flush()
    fulfilled(signIn)
    expect(tab.errors).toHaveLength(1)
    expect(tab.errors[0]).toBeInstanceOf(AuthError)
    expect((tab.errors[0] as Error).message).toBe('could not tell the other tabs')
    expect((tab.errors[0] as Error).cause).toBeInstanceOf(DOMException)
  })

  it('stop() removes the listener and closes the channel: a stopped tab neither hears nor speaks', async () => {
    const { channel, auth } = await signedInTab()
    expect(channel.listeners()).toBe(1)
    expect(channel.closed).toBe(false)
    auth.stop()
    expect(channel.listeners()).toBe(0)
    expect(channel.closed).toBe(true)
  })
})
