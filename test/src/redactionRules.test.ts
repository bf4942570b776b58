import {
  type AuthAdapter,
  type AuthClient,
  createAuthClient,
  createMemoryStorage,
  type InspectedActorRef,
  type InspectedSnapshot,
} from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeClock, type FakeCredentials } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import type { InspectionEvent } from 'xstate'
import { fulfilled, settle } from '../fixtures/settle.js'

// Precise rules of the inspection redaction (docs/client.md, "Inspection"): which keys, which
// strings, which shapes are replaced and what is kept as it is. The tokens here are opaque (not
// JWTs), so only the key and learnt-secret layers can hide them, never the JWT pattern.
const HOUR = 3_600_000
const ACCESS = 'opaque-access-token-0001'
const REFRESH = 'opaque-refresh-token-0001'
const PASSWORD = 'correct-horse-battery-staple'
const R = '[redacted]'

type Extras = Record<string, unknown>

/**
 * A started client whose adapter answers with opaque tokens (the claims come from an ID token) and
 * a user carrying `extras`; `refreshError`, when set, is what the next refresh throws.
 */
async function opaqueClient(extras: Extras = {}, latency = 0) {
  const clock = createFakeClock()
  const fake = createFakeAdapter({ clock })
  const events: InspectionEvent[] = []
  const state: { refreshError: unknown } = { refreshError: undefined }
  const adapter: AuthAdapter<FakeCredentials> = {
    name: 'opaque',
    signIn: async (credentials, ctx) => {
      const { accessToken: idToken } = await fake.signIn(credentials, ctx)
      if (latency > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, latency))
      return {
        accessToken: ACCESS,
        refreshToken: REFRESH,
        idToken,
        expiresAt: clock.now() + HOUR,
        user: { id: 'user-1', email: 'ada@example.com', ...extras },
      }
    },
    refresh: async (session) => {
      if (state.refreshError !== undefined) throw state.refreshError
      return { ...session, accessToken: `${ACCESS}-next`, refreshToken: `${REFRESH}-next` }
    },
  }
  const auth = createAuthClient({
    adapter,
    clock,
    storage: createMemoryStorage(),
    random: () => 0.5,
    inspect: (event) => events.push(event),
  }).start()
  await clock.flush()
  return { auth, clock, events, state }
}

// Outcomes are asserted, not awaited: a redaction that throws inside the chart fails the test on
// an assertion instead of leaving a call pending until the test timeout.
async function signedInWith(extras: Extras) {
  const env = await opaqueClient(extras)
  const signIn = settle(env.auth.signIn({ email: 'ada@example.com', password: PASSWORD }))
  await env.clock.flush()
  fulfilled(signIn)
  return env
}

async function forceRefresh(env: { auth: AuthClient; clock: FakeClock }) {
  const refreshed = settle(env.auth.refresh({ force: true }))
  await env.clock.flush()
  return fulfilled(refreshed)
}

interface Ctx {
  session: { accessToken: string; refreshToken: string; idToken: string; user: Record<string, unknown> } | null
  error: (Error & { cause?: unknown }) | null
}
const contextOf = (snapshot: InspectedSnapshot) => snapshot.context as Ctx
const userOf = (auth: { actor: InspectedActorRef }) => contextOf(auth.actor.getSnapshot()).session!.user

describe('redaction: fields named like secrets', () => {
  it('replaces a string under every secret key, whatever it looks like, and keeps other values and keys', async () => {
    const { auth } = await signedInWith({
      profile: {
        accessToken: 'a',
        refreshToken: 'b',
        access_token: 'c',
        refresh_token: 'd',
        idToken: 'e',
        id_token: 'f',
        token: 'g',
        password: 'h',
        codeVerifier: 'i',
        code_verifier: 'j',
        tokenCount: 3,
        token2: 'kept',
        note: 'a note',
        // Named like a snapshot's methods, but data: copied and redacted like any other field.
        matches: { token: 'in-a-field-named-matches' },
      },
      nonStrings: { token: 42, password: null, refresh_token: { nested: 'kept-object' }, access_token: ['x'] },
    })
    const user = userOf(auth)
    expect(user.id).toBe('user-1')
    expect(user.email).toBe('ada@example.com') // learnt secrets are only the values under secret keys
    expect(user.profile).toEqual({
      accessToken: R,
      refreshToken: R,
      access_token: R,
      refresh_token: R,
      idToken: R,
      id_token: R,
      token: R,
      password: R,
      codeVerifier: R,
      code_verifier: R,
      tokenCount: 3,
      token2: 'kept',
      note: 'a note',
      matches: { token: R },
    })
    // Only strings are replaced under those keys; anything else is copied (and redacted inside).
    expect(user.nonStrings).toEqual({
      token: 42,
      password: null,
      refresh_token: { nested: 'kept-object' },
      access_token: ['x'],
    })
    const session = contextOf(auth.actor.getSnapshot()).session!
    expect([session.accessToken, session.refreshToken, session.idToken]).toEqual([R, R, R])
    auth.stop()
  })

  it('replaces sign-in credentials whole, whatever their shape, and keeps an absent one absent', async () => {
    const { auth, events } = await signedInWith({
      credentials: undefined,
      other: { credentials: 'otp-123' },
      more: { credentials: { email: 'ada@example.com' } },
    })
    const signIn = events.find((e) => e.type === '@xstate.event' && e.event.type === 'auth.signIn')
    expect(signIn?.type === '@xstate.event' && signIn.event).toEqual({ type: 'auth.signIn', id: 1, credentials: R })
    const user = userOf(auth)
    expect('credentials' in user).toBe(true)
    expect(user.credentials).toBeUndefined()
    expect(user.other).toEqual({ credentials: R })
    expect(user.more).toEqual({ credentials: R })
    // The password inside the credentials was learnt: a copy of it elsewhere is caught.
    expect(JSON.stringify(events.map((e) => (e.type === '@xstate.snapshot' ? e.snapshot : null)))).not.toContain(
      PASSWORD,
    )
    auth.stop()
  })
})

describe('redaction: secrets learnt under their own key are caught anywhere', () => {
  it('in another field, inside text, in arrays, sets and maps, learnt before anything is copied', async () => {
    const { auth } = await signedInWith({
      mirror: ACCESS,
      note: `copied ${REFRESH} here and ${REFRESH} again`,
      list: [REFRESH, 'plain'],
      set: new Set([ACCESS, 'plain']),
      echoOfMap: 'held-in-a-map-only', // met before the map that names it a secret
      map: new Map<unknown, unknown>([
        ['any', REFRESH],
        ['refresh_token', 'held-in-a-map-only'],
        [7, 'number key'],
      ]),
      jwtText: 'see eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln here',
    })
    const user = userOf(auth)
    expect(user.mirror).toBe(R)
    expect(user.note).toBe(`copied ${R} here and ${R} again`)
    expect(user.list).toEqual([R, 'plain'])
    expect(user.set).toBeInstanceOf(Set)
    expect([...(user.set as Set<unknown>)]).toEqual([R, 'plain'])
    expect(user.echoOfMap).toBe(R)
    expect(user.map).toBeInstanceOf(Map)
    expect([...(user.map as Map<unknown, unknown>)]).toEqual([
      ['any', R],
      ['refresh_token', R],
      [7, 'number key'],
    ])
    expect(user.jwtText).toBe('see [redacted jwt] here')
    auth.stop()
  })

  it('learns only secrets of 8 characters or more: a shorter one is hidden under its key only', async () => {
    const { auth } = await signedInWith({
      short: { token: 'seven77' },
      exact: { token: 'eight888' },
      echoes: ['seven77', 'eight888', 'the eight888 inside'],
    })
    const user = userOf(auth)
    expect(user.short).toEqual({ token: R })
    expect(user.exact).toEqual({ token: R })
    expect(user.echoes).toEqual(['seven77', R, `the ${R} inside`])
    auth.stop()
  })

  it('remembers the 16 latest distinct secrets: the oldest is then caught under its key only', async () => {
    const secret = (n: number) => `secret-number-${String(n).padStart(2, '0')}`
    const { auth } = await signedInWith({
      many: Array.from({ length: 17 }, (_, i) => ({ token: secret(i + 1) })),
      echoes: [secret(1), secret(2), secret(17)],
    })
    const user = userOf(auth)
    expect(user.many).toEqual(Array.from({ length: 17 }, () => ({ token: R })))
    expect(user.echoes).toEqual([secret(1), R, R])
    auth.stop()
  })

  it('a secret met twice takes one place among the 16', async () => {
    const secret = (n: number) => `secret-number-${String(n).padStart(2, '0')}`
    const { auth } = await signedInWith({
      many: [...Array.from({ length: 16 }, (_, i) => ({ token: secret(i + 1) })), { token: secret(16) }],
      echoes: [secret(1)],
    })
    expect(userOf(auth).echoes).toEqual([R])
    auth.stop()
  })
})

class VendorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'VendorError'
  }
}
class Widget {
  readonly size = 3
}

/** Signs in, then makes the due refresh throw `error` (a 503, so the session is kept). */
async function failedRefreshWith(error: Error) {
  const env = await signedInWith({})
  env.state.refreshError = error
  const refreshed = settle(env.auth.refresh({ force: true, timeoutMs: 1_000 }))
  await env.clock.advance(1_000)
  expect(refreshed.status).not.toBe('pending')
  const failure = contextOf(env.auth.actor.getSnapshot()).error
  expect(failure?.name).toBe('AdapterError')
  return { ...env, cause: failure!.cause as Error & Record<string, unknown> }
}

describe('redaction: errors and objects of any shape', () => {
  it('copies an error: its class, message and stack redacted and not enumerable, own fields, cause', async () => {
    const inner = new Error('inner failure')
    delete (inner as { stack?: string }).stack
    // The client scrubs the session's own tokens from adapter errors before the chart holds them;
    // this secret is the error's own, learnt from its `token` field.
    const VENDOR = 'vendor-token-value'
    const error = Object.assign(
      new VendorError(`refresh failed for ${VENDOR}`, { cause: { body: `token=${VENDOR}`, inner } }),
      { status: 503, token: VENDOR, requestId: 'req-1' },
    )
    const { auth, cause } = await failedRefreshWith(error)
    expect(cause).not.toBe(error)
    expect(cause).toBeInstanceOf(VendorError)
    expect(cause.message).toBe(`refresh failed for ${R}`)
    expect(Object.getOwnPropertyDescriptor(cause, 'message')).toEqual({
      value: `refresh failed for ${R}`,
      enumerable: false,
      writable: true,
      configurable: true,
    })
    expect(typeof cause.stack).toBe('string')
    expect(cause.stack).toContain(`refresh failed for ${R}`)
    expect(cause.stack).not.toContain(VENDOR)
    expect(Object.getOwnPropertyDescriptor(cause, 'stack')?.enumerable).toBe(false)
    expect(Object.keys(cause)).toEqual(['name', 'status', 'token', 'requestId'])
    expect(Object.getOwnPropertyDescriptor(cause, 'status')).toEqual({
      value: 503,
      enumerable: true,
      writable: true,
      configurable: true,
    })
    expect(cause.token).toBe(R)
    expect(cause.requestId).toBe('req-1')
    expect(Object.getOwnPropertyDescriptor(cause, 'cause')?.enumerable).toBe(false)
    const copiedCause = cause.cause as { body: string; inner: Error }
    expect(copiedCause.body).toBe(`token=${R}`)
    // An error without a stack or a cause gets none.
    expect(copiedCause.inner).toBeInstanceOf(Error)
    expect(copiedCause.inner.message).toBe('inner failure')
    expect(Object.getOwnPropertyNames(copiedCause.inner)).toEqual(['message'])
    auth.stop()
  })

  it('turns any actor ref into a frozen view: definition as data, parent and system members as views', async () => {
    const parent = {
      id: 'parent',
      sessionId: 'p:1',
      src: 'parentLogic',
      getSnapshot: () => ({ status: 'active', context: { token: 'parent-token-1' } }),
      send: () => undefined,
    }
    const config: Record<string, unknown> = {
      id: 'lookalike',
      entry: [function () {}][0],
      guard: function isReady() {},
      nothing: null,
      list: [1, 'two'],
      none: [],
    }
    config.self = config
    const ref = {
      id: 'look',
      sessionId: 'l:1',
      systemId: 'look',
      src: 'lookLogic',
      logic: { config },
      _parent: parent,
      system: { get: (id: string) => (id === 'parent' ? parent : undefined) },
      getSnapshot: () => ({ status: 'active', context: { refresh_token: 'look-refresh-1', note: 'kept' } }),
      send: () => undefined,
    }
    const error = Object.assign(new VendorError('down'), { status: 503, ref })
    const { auth, cause } = await failedRefreshWith(error)
    const view = cause.ref as InspectedActorRef
    expect(Object.isFrozen(view)).toBe(true)
    expect([view.id, view.sessionId, view.systemId, view.src]).toEqual(['look', 'l:1', 'look', 'lookLogic'])
    const definition = view.logic.config as Record<string, unknown>
    expect(definition).toEqual({
      id: 'lookalike',
      entry: '[function anonymous]',
      guard: '[function isReady]',
      nothing: null,
      list: [1, 'two'],
      none: [],
      self: definition,
    })
    expect(definition.self).toBe(definition)
    expect(view.getSnapshot()).toEqual({ status: 'active', context: { refresh_token: R, note: 'kept' } })
    expect(view.getPersistedSnapshot()).toBeUndefined()
    const parentView = view._parent!
    expect(parentView.id).toBe('parent')
    expect(parentView.logic.config).toBeUndefined()
    expect(parentView._parent).toBeUndefined()
    expect(parentView.getSnapshot()).toEqual({ status: 'active', context: { token: R } })
    expect(view.system.get('parent')).toBe(parentView)
    expect(view.system.get('other')).toBeUndefined()
    expect(parentView.system.get('parent')).toBeUndefined()
    // A ref that cannot emit gives a subscription that does nothing.
    const subscription = view.on('anything', () => undefined)
    expect(subscription.unsubscribe()).toBeUndefined()
    auth.stop()
  })

  it('keeps cycles and shared references, names functions and class instances, copies null-prototype objects', async () => {
    const shared = { kind: 'shared' }
    const list: unknown[] = ['first']
    list.push(list)
    const bare = Object.assign(Object.create(null) as object, { token: 'bare-token', kept: 1 })
    const orphan = Object.create(Object.create(null) as object) as object
    const anonymous = [function () {}][0]
    const details: Record<string, unknown> = {
      a: shared,
      b: shared,
      list,
      widget: new Widget(),
      date: new Date(0),
      bare,
      orphan,
      named: function handleIt() {},
      anonymous,
      lookalikes: {
        noGetSnapshot: { sessionId: 's', send: () => undefined },
        noSend: { sessionId: 's', getSnapshot: () => null },
        noSessionId: { getSnapshot: () => null, send: () => undefined },
      },
    }
    details.self = details
    const error = Object.assign(new VendorError('down'), { status: 503, details })
    const { auth, cause } = await failedRefreshWith(error)
    const copy = cause.details as Record<string, unknown>
    expect(copy).not.toBe(details)
    expect(copy.self).toBe(copy)
    expect(copy.a).toEqual({ kind: 'shared' })
    expect(copy.a).not.toBe(shared)
    expect(copy.b).toBe(copy.a)
    const copiedList = copy.list as unknown[]
    expect(copiedList).toHaveLength(2)
    expect(copiedList[0]).toBe('first')
    expect(copiedList[1]).toBe(copiedList)
    expect(copy.widget).toBe('[Widget]')
    expect(copy.date).toBe('[Date]')
    expect(Object.getPrototypeOf(copy.bare)).toBe(Object.prototype)
    expect(copy.bare).toEqual({ token: R, kept: 1 })
    expect(copy.orphan).toBe('[object]')
    expect(copy.named).toBe('[function handleIt]')
    expect(copy.anonymous).toBe('[function anonymous]')
    expect(copy.lookalikes).toEqual({
      noGetSnapshot: { sessionId: 's', send: '[function send]' },
      noSend: { sessionId: 's', getSnapshot: '[function getSnapshot]' },
      noSessionId: { getSnapshot: '[function getSnapshot]', send: '[function send]' },
    })
    auth.stop()
  })
})

describe('redaction: the snapshot, the definition and the actor views', () => {
  it('a snapshot copy answers matches, hasTag, getMeta and toJSON from the redacted copy', async () => {
    const { auth } = await signedInWith({})
    const snapshot = auth.actor.getSnapshot() as InspectedSnapshot & {
      matches(value: unknown): boolean
      hasTag(tag: string): boolean
      getMeta(): Record<string, unknown>
      toJSON(): { value: unknown; context: Ctx }
    }
    expect(snapshot.value).toEqual({ session: 'authenticated', network: 'online' })
    expect(snapshot.matches({ session: 'authenticated' })).toBe(true)
    expect(snapshot.matches({ session: 'refreshing' })).toBe(false)
    expect(snapshot.hasTag('token.untilDue')).toBe(true)
    expect(snapshot.hasTag('nothing')).toBe(false)
    expect(snapshot.getMeta()).toEqual({})
    const json = snapshot.toJSON()
    expect(json.value).toEqual({ session: 'authenticated', network: 'online' })
    expect(json.context.session?.accessToken).toBe(R)
    expect(json.context.session?.refreshToken).toBe(R)
    expect(json.context.session?.user).toEqual({ id: 'user-1', email: 'ada@example.com' })
    auth.stop()
  })

  it('the machine and its state nodes are frozen data views, one per original', async () => {
    const { auth, events } = await signedInWith({})
    const first = auth.actor.getSnapshot().machine as { id: string; config: { id: string }; toJSON(): unknown }
    expect(first).toBe(auth.actor.getSnapshot().machine)
    expect(first).toBe(auth.actor.src)
    expect(Object.isFrozen(first)).toBe(true)
    expect(first.id).toBe('auth')
    expect(first.toJSON()).toEqual({ id: 'auth' })
    expect(first.config.id).toBe('auth')
    const sources = events.flatMap((e) =>
      e.type === '@xstate.microstep' ? e._transitions.map((t) => t.source as unknown as Record<string, unknown>) : [],
    )
    const restoring = sources.filter((node) => node.id === 'auth.session.restoring')
    expect(restoring.length).toBeGreaterThan(0)
    expect(restoring[0]).toEqual({
      id: 'auth.session.restoring',
      key: 'restoring',
      path: ['session', 'restoring'],
      type: 'atomic',
    })
    expect(Object.isFrozen(restoring[0])).toBe(true)
    for (const node of restoring) expect(node).toBe(restoring[0])
    // The snapshot's active nodes: the same view on every read.
    const nodes = () => auth.actor.getSnapshot()._nodes as Record<string, unknown>[]
    expect(nodes().map((node) => node.id)).toEqual([
      'auth',
      'auth.session',
      'auth.network',
      'auth.network.online',
      'auth.session.authenticated',
    ])
    expect(nodes()[4]).toBe(nodes()[4])
    expect(Object.isFrozen(nodes()[4])).toBe(true)
    auth.stop()
  })

  it('the definition has every function replaced by its name and keeps arrays as arrays', async () => {
    const { auth } = await signedInWith({})
    const config = auth.actor.logic.config as {
      id: string
      type: string
      context: unknown
      states: Record<string, { initial?: string; on: Record<string, { actions?: unknown }>; states: object }>
    }
    expect(config.id).toBe('auth')
    expect(config.type).toBe('parallel')
    const session = config.states.session!
    expect(session.initial).toBe('restoring')
    // Named `context` by its property; Stryker's instrumentation wraps it and the name is lost.
    expect(config.context).toMatch(/^\[function (context|anonymous)\]$/)
    expect(Array.isArray(session.on['auth.signIn']?.actions)).toBe(true)
    expect((session.on['auth.signIn']?.actions as unknown[])[1]).toBe('[function assign]')
    expect(Object.keys(session.states)).toContain('authenticated')
    // A copy the inspector may change: not frozen, and a change does not reach the next one.
    expect(Object.isFrozen(config)).toBe(false)
    config.id = 'changed'
    expect((auth.actor.getSnapshot().machine as { config: { id: string } }).config.id).toBe('auth')
    auth.stop()
  })

  it('the root view: frozen, no parent, no system members, a toJSON naming the actor, persisted snapshot redacted', async () => {
    const { auth } = await signedInWith({})
    const actor = auth.actor
    expect(Object.isFrozen(actor)).toBe(true)
    expect(Object.isFrozen(actor.logic)).toBe(true)
    expect(Object.isFrozen(actor.system)).toBe(true)
    expect(actor._parent).toBeUndefined()
    expect(actor.system.get('auth')).toBeUndefined()
    expect(actor.toJSON()).toEqual({ xstate$$type: 1, id: actor.id })
    expect(actor.sessionId).toEqual(expect.any(String))
    expect(actor.systemId).toBeUndefined()
    const persisted = actor.getPersistedSnapshot() as { value: unknown; context: Ctx }
    expect(persisted.value).toEqual({ session: 'authenticated', network: 'online' })
    expect(persisted.context.session?.accessToken).toBe(R)
    expect(persisted.context.session?.user).toEqual({ id: 'user-1', email: 'ada@example.com' })
    expect(JSON.stringify(persisted)).not.toContain(REFRESH)
    auth.stop()
  })

  it('a child view: its invoked source by name, no config for a promise, the root view as parent', async () => {
    const { auth, clock } = await opaqueClient({}, 100)
    const signIn = settle(auth.signIn({ email: 'ada@example.com', password: PASSWORD }))
    await clock.advance(10)
    const signingIn = () =>
      Object.values(auth.actor.getSnapshot().children as Record<string, InspectedActorRef>).find(
        (c) => c.src === 'signInWithCredentials',
      )
    // Beside the sign-in runs the chart's lifecycle actor (the tab channel and adapter events).
    const sources = Object.values(auth.actor.getSnapshot().children as Record<string, InspectedActorRef>).map(
      (c) => c.src,
    )
    expect(sources.sort()).toEqual(['signInWithCredentials', 'watchSessionChanges'])
    const child = signingIn()!
    expect(child.logic.config).toBeUndefined()
    expect(child._parent).toBe(auth.actor)
    expect(child).toBe(signingIn())
    expect(child.toJSON()).toEqual({ xstate$$type: 1, id: child.id })
    await clock.advance(100)
    fulfilled(signIn)
    auth.stop()
  })

  it('subscribe takes a callback, an observer or nothing, and each gets redacted snapshots', async () => {
    const { auth, clock } = await signedInWith({})
    const byCallback: InspectedSnapshot[] = []
    const byObserver: InspectedSnapshot[] = []
    const subscriptions = [
      auth.actor.subscribe((s) => byCallback.push(s)),
      auth.actor.subscribe({ next: (s) => byObserver.push(s) }),
      auth.actor.subscribe({}),
      auth.actor.subscribe(),
    ]
    await forceRefresh({ auth, clock })
    expect(byCallback.length).toBeGreaterThan(0)
    expect(byObserver).toHaveLength(byCallback.length)
    for (const snapshot of [...byCallback, ...byObserver]) {
      const session = contextOf(snapshot).session
      expect(session?.accessToken).toBe(R)
      expect(JSON.stringify(snapshot.context)).not.toContain(ACCESS)
    }
    for (const subscription of subscriptions) subscription.unsubscribe()
    const before = byCallback.length
    await forceRefresh({ auth, clock })
    expect(byCallback).toHaveLength(before)
    auth.stop()
  })

  it('on() hands the chart’s emitted events over redacted, and unsubscribes', async () => {
    const { auth, clock } = await signedInWith({})
    const settled: unknown[] = []
    const subscription = auth.actor.on('refresh.settled', (event) => settled.push(event))
    await forceRefresh({ auth, clock })
    expect(settled).toHaveLength(1)
    const event = settled[0] as { type: string; session: { accessToken: string; refreshToken: string } }
    expect(event.type).toBe('refresh.settled')
    expect(event.session.accessToken).toBe(R)
    expect(event.session.refreshToken).toBe(R)
    expect(JSON.stringify(event)).not.toContain(ACCESS)
    subscription.unsubscribe()
    await forceRefresh({ auth, clock })
    expect(settled).toHaveLength(1)
    auth.stop()
  })
})
