import { type AuthAdapter, createAuthClient, createMemoryStorage, type SessionInput } from 'authchart'
import { createFakeAdapter, createFakeClock, createFakeTabs, type FakeCredentials } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import type { InspectionEvent } from 'xstate'

const PASSWORD = 'correct-horse-battery-staple'

function isActorRefLike(value: object): value is Record<string, unknown> & { sessionId: string } {
  return typeof (value as { sessionId?: unknown }).sessionId === 'string' && 'getSnapshot' in value
}

/**
 * Everything reachable from `root`: own and inherited properties (getters included), and, on
 * anything shaped like an actor ref, the result of every method that takes no argument. Returns
 * the path of each string that contains a secret.
 */
function walk(root: unknown, secrets: ReadonlySet<string>): string[] {
  const found: string[] = []
  const seen = new Set<unknown>()
  const visit = (value: unknown, path: string, depth: number) => {
    if (typeof value === 'string') {
      for (const secret of secrets) if (value.includes(secret)) found.push(path)
      return
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return
    if (depth > 60) return
    seen.add(value)
    if (typeof value === 'function') return
    const keys = new Set<string | symbol>()
    for (let o: object | null = value as object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const key of Reflect.ownKeys(o)) keys.add(key)
    }
    if (value instanceof Map) for (const [k, v] of value) visit(v, `${path}.get(${String(k)})`, depth + 1)
    if (value instanceof Set) for (const v of value) visit(v, `${path}.<item>`, depth + 1)
    const ref = isActorRefLike(value as object)
    for (const key of keys) {
      if (key === 'constructor') continue
      let item: unknown
      try {
        item = (value as Record<string | symbol, unknown>)[key]
      } catch {
        continue // a getter that refuses (a revoked proxy, say) reveals nothing
      }
      const at = `${path}.${String(key)}`
      if (ref && typeof item === 'function' && item.length === 0 && key !== 'start' && key !== 'stop') {
        let result: unknown
        try {
          result = (item as () => unknown).call(value)
        } catch (error) {
          result = error
        }
        visit(result, `${at}()`, depth + 1)
        if (result && typeof (result as { unsubscribe?: unknown }).unsubscribe === 'function') {
          ;(result as { unsubscribe(): void }).unsubscribe()
        }
      }
      visit(item, at, depth + 1)
    }
  }
  visit(root, 'event', 0)
  return found
}

describe('inspection: nothing an observer can reach leads to a token or a credential', () => {
  it('walks every event of sign-in, restore, refresh, cross-tab update, failure and sign-out', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock, accessTokenTtl: 3_600_000 })
    const secrets = new Set<string>([PASSWORD])
    const remember = (session: SessionInput) => {
      secrets.add(session.accessToken)
      if (session.refreshToken) secrets.add(session.refreshToken)
      return session
    }
    const adapter: AuthAdapter<FakeCredentials> = {
      name: 'recording',
      classify: fake.classify,
      signIn: async (c, ctx) => remember(await fake.signIn(c, ctx)),
      refresh: async (s, ctx) => remember(await fake.refresh(s, ctx)),
      validate: (s, ctx) => fake.validate!(s, ctx),
      signOut: (s, ctx) => fake.signOut!(s, ctx),
    }
    const profile = createFakeTabs()
    const storage = createMemoryStorage()
    const events: InspectionEvent[] = []
    const open = () =>
      createAuthClient({ adapter, clock, storage, tabs: profile, inspect: (e) => events.push(e) }).start()

    const a = open()
    await clock.flush()
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    const b = open() // restores and validates the stored session
    await clock.flush()
    await a.refresh({ force: true }) // b takes the new session from the broadcast
    await clock.flush()
    fake.enqueue('refresh', 'transient')
    const failed = a.refresh({ force: true, timeoutMs: 5_000 }).catch((e: unknown) => e)
    await clock.advance(6_000)
    await failed
    fake.enqueue('refresh', 'rejected')
    await b.refresh({ force: true }).catch(() => undefined)
    await clock.flush()
    await a.signIn({ email: 'ada@example.com', password: PASSWORD })
    await a.signOut()
    await clock.flush()

    expect(secrets.size).toBeGreaterThan(6)
    expect(events.length).toBeGreaterThan(100)
    const types = new Set(events.map((e) => e.type))
    expect(types).toEqual(
      new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep', '@xstate.action']),
    )
    for (const event of events) expect(walk(event, secrets)).toEqual([])
    // The client's own `actor` is the same view.
    expect(walk(a.actor, secrets)).toEqual([])
    expect(walk(b.actor, secrets)).toEqual([])
    a.stop()
    b.stop()
  })

  it('the walk does find a token when redaction is off, so a leak would fail the test above', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const events: InspectionEvent[] = []
    const auth = createAuthClient({
      adapter,
      clock,
      storage: createMemoryStorage(),
      inspect: (e) => events.push(e),
      redactInspection: false,
    }).start()
    await clock.flush()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    const token = await auth.getToken()
    const leaks = events.flatMap((e) => walk(e, new Set([token, PASSWORD])))
    expect(leaks.length).toBeGreaterThan(0)
    auth.stop()
  })

  it('an inspector that mutates what it got changes nothing in the chart', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const auth = createAuthClient({
      adapter,
      clock,
      storage: createMemoryStorage(),
      inspect: (e) => {
        if (e.type !== '@xstate.snapshot') return
        const context = (e.snapshot as { context?: { session?: { expiresAt?: number } | null } }).context
        if (context?.session) context.session.expiresAt = 0
        const live = e.actorRef.getSnapshot() as { context?: { session?: { user?: { id?: string } } | null } }
        if (live.context?.session?.user) live.context.session.user.id = 'mallory'
      },
    }).start()
    await clock.flush()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    expect(auth.getSnapshot().session?.expiresAt).toBeGreaterThan(clock.now())
    expect(auth.getSnapshot().user?.id).not.toBe('mallory')
    await expect(auth.getToken()).resolves.toMatch(/^eyJ/)
    auth.stop()
  })
})

describe('auth.on', () => {
  it('delivers only the public events: the chart events that carry the session are refused', async () => {
    const clock = createFakeClock()
    const auth = createAuthClient({ adapter: createFakeAdapter({ clock }), clock, storage: createMemoryStorage() })
    expect(() => auth.on('refresh.settled' as 'error', () => undefined)).toThrow(/unknown event "refresh.settled"/)
    expect(() => auth.on('signIn.settled' as 'error', () => undefined)).toThrow(/unknown event/)
    expect(auth.on('error', () => undefined)).toBeTypeOf('function')
  })
})

describe('inspection: the chart is given as data, never as code', () => {
  // Every function reachable from `root`, by path, except an actor ref view's own methods and a
  // machine snapshot's `matches`/`hasTag`/`getMeta`/`toJSON`, which answer from the copy.
  function functionsIn(root: unknown): string[] {
    const found: string[] = []
    const seen = new Set<unknown>()
    const visit = (value: unknown, path: string, depth: number) => {
      if (typeof value === 'function') {
        const key = path.split('.').at(-1) ?? ''
        if (!['matches', 'hasTag', 'getMeta', 'toJSON'].includes(key)) found.push(path)
        return
      }
      if (typeof value !== 'object' || value === null || seen.has(value) || depth > 40) return
      seen.add(value)
      if (isActorRefLike(value)) {
        for (const key of ['src', 'logic', '_parent'])
          visit((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1)
        visit((value as unknown as { getSnapshot(): unknown }).getSnapshot(), `${path}.getSnapshot()`, depth + 1)
        return
      }
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value)
      for (const [key, item] of entries) visit(item, `${path}.${String(key)}`, depth + 1)
    }
    visit(root, 'root', 0)
    return found
  }

  it('no live machine, state node or effect is reachable: implementations cannot be read or replaced', async () => {
    const clock = createFakeClock()
    const events: InspectionEvent[] = []
    const auth = createAuthClient({
      adapter: createFakeAdapter({ clock }),
      clock,
      storage: createMemoryStorage(),
      inspect: (e) => events.push(e),
    }).start()
    await clock.flush()
    await auth.signIn({ email: 'ada@example.com', password: PASSWORD })
    await auth.refresh({ force: true })
    const src = auth.actor.src as { implementations?: unknown; config?: unknown; id?: unknown }
    expect(src.implementations).toBeUndefined()
    expect(src.id).toBe('auth')
    expect(Object.isFrozen(src)).toBe(true)
    const machine = auth.actor.getSnapshot().machine as { implementations?: unknown; provide?: unknown }
    expect(machine.implementations).toBeUndefined()
    expect(machine.provide).toBeUndefined()
    expect(functionsIn(auth.actor)).toEqual([])
    for (const event of events) expect(functionsIn(event)).toEqual([])
    auth.stop()
  })
})
