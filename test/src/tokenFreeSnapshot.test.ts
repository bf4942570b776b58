// "Tokens never leave the chart": what getSnapshot(), subscribe listeners, signIn() and refresh()
// hand out carries no token at any status and cannot be changed to change the chart; auth.actor
// is a read-only, redacted view; and auth.notify() replaces the events apps used to send it.
import { type AuthClient, type AuthSnapshot, type AuthStatus, createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock, flushMicrotasks } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { chartActor, heldSession } from '../fixtures/heldSession.js'
import { credentials, HOUR, MINUTE, setupClient, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, settle } from '../fixtures/settle.js'

/**
 * Every token the client held or handed to a sink, read from the chart at each step the listeners
 * see, so that a snapshot can be checked against all of them, not only the current pair.
 */
function recordTokens(auth: AuthClient) {
  const tokens = new Set<string>()
  const note = () => {
    const session = heldSession(auth)
    if (session) tokens.add(session.accessToken)
    if (session?.refreshToken) tokens.add(session.refreshToken)
  }
  note()
  auth.subscribe(note)
  auth.addTokenSink((token) => {
    if (token) tokens.add(token)
  })
  return { tokens, note }
}

/** The paths under `value` (own properties, enumerable or not) whose string holds one of `secrets`. */
function pathsHoldingSecrets(value: unknown, secrets: Iterable<string>): string[] {
  const list = [...secrets]
  const found: string[] = []
  const seen = new Set<object>()
  const walk = (item: unknown, path: string) => {
    if (typeof item === 'string') {
      if (list.some((secret) => item.includes(secret))) found.push(path)
      return
    }
    if ((typeof item !== 'object' && typeof item !== 'function') || item === null || seen.has(item)) return
    seen.add(item)
    for (const key of Reflect.ownKeys(item)) {
      const descriptor = Object.getOwnPropertyDescriptor(item, key)
      // Getters are not called: a snapshot of plain data has none, and an actor view's are refs.
      if (descriptor && 'value' in descriptor) walk(descriptor.value, `${path}.${String(key)}`)
    }
  }
  walk(value, '$')
  return found
}

describe('the public snapshot carries no token', () => {
  it('at every status a session goes through, in getSnapshot(), subscribe listeners, signIn() and refresh()', async () => {
    // First visit: restoring, unauthenticated, signingIn, authenticated, refreshing.
    const first = setupClient({ adapter: { latency: { signIn: 100, refresh: 100 } } })
    const seen: Array<{ where: string; snapshot: unknown }> = [{ where: 'start', snapshot: first.auth.getSnapshot() }]
    const statuses = new Set<AuthStatus>([first.auth.getSnapshot().status])
    const firstTokens = recordTokens(first.auth)
    first.auth.subscribe((snapshot) => {
      seen.push({ where: `listener:${snapshot.status}`, snapshot })
      seen.push({ where: `getSnapshot:${snapshot.status}`, snapshot: first.auth.getSnapshot() })
      statuses.add(snapshot.status)
    })
    await first.clock.flush()
    const signingIn = first.auth.signIn(credentials)
    await first.clock.advance(100)
    const signInResult = await signingIn
    seen.push({ where: 'signIn()', snapshot: signInResult })
    await first.clock.advance(HOUR - MINUTE + 100) // the timer's refresh
    const refreshing = first.auth.refresh({ force: true })
    await first.clock.advance(100)
    const refreshResult = await refreshing
    seen.push({ where: 'refresh()', snapshot: refreshResult })
    // The store outlives this visit: the next one restores from it.
    const storage = first.storage
    await first.clock.advance(1_000)
    firstTokens.note()
    const heldBeforeReload = heldSession(first.auth)
    first.auth.stop()

    // A reload: restoring, validating (the validation is held), authenticated, then expired.
    const clock = first.clock
    const adapter = first.adapter
    const reloaded = createAuthClient({
      adapter: createFakeAdapter({ clock, latency: { validate: 500 } }),
      clock,
      storage,
      random: () => 0.5,
    })
    // The reload's adapter is a new server: the held session is unknown to it, so the first
    // refresh is rejected and the session ends as expired.
    const reloadedTokens = recordTokens(reloaded)
    reloaded.subscribe((snapshot) => {
      seen.push({ where: `reload listener:${snapshot.status}`, snapshot })
      seen.push({ where: `reload getSnapshot:${snapshot.status}`, snapshot: reloaded.getSnapshot() })
      statuses.add(snapshot.status)
    })
    reloaded.start()
    await clock.flush()
    expect(reloaded.getSnapshot().status).toBe('validating')
    // The restored session is held (and shown, token-free) while it is validated.
    expect(reloaded.getSnapshot().session).not.toBeNull()
    expect(heldSession(reloaded)?.accessToken).toBe(heldBeforeReload?.accessToken)
    seen.push({ where: 'validating', snapshot: reloaded.getSnapshot() })
    await clock.advance(500)
    expect(reloaded.getSnapshot().status).toBe('authenticated')
    await clock.advance(HOUR)
    expect(reloaded.getSnapshot().status).toBe('expired')
    seen.push({ where: 'expired', snapshot: reloaded.getSnapshot() })
    reloaded.stop()

    // signingOut has its own test below.
    expect([...statuses].sort()).toEqual([
      'authenticated',
      'expired',
      'refreshing',
      'restoring',
      'signingIn',
      'unauthenticated',
      'validating',
    ])
    const secrets = new Set([...firstTokens.tokens, ...reloadedTokens.tokens, ...adapter.refreshTokensSent])
    // Two sessions' pairs at least: the check is not run against nothing.
    expect(secrets.size).toBeGreaterThanOrEqual(4)
    // The check does find a token where there is one: in the session the chart held.
    expect(pathsHoldingSecrets(heldBeforeReload, secrets)).not.toEqual([])
    const leaks = seen.flatMap(({ where, snapshot }) =>
      pathsHoldingSecrets(snapshot, secrets).map((path) => `${where} ${path}`),
    )
    expect(leaks).toEqual([])
    // And no token field at all, not even an empty one.
    for (const { snapshot } of seen) {
      const session = (snapshot as Partial<AuthSnapshot>).session ?? snapshot
      expect(session).not.toHaveProperty('accessToken')
      expect(session).not.toHaveProperty('refreshToken')
    }
  })

  it('signs out through signingOut, and neither it nor the signed-out snapshot carries a token', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { signOut: 100 } } })
    const { tokens } = recordTokens(auth)
    const seen: AuthSnapshot[] = []
    auth.subscribe((snapshot) => seen.push(snapshot))
    const signingOut = auth.signOut()
    await clock.advance(100)
    await signingOut
    expect(seen.map((s) => s.status)).toEqual(['signingOut', 'unauthenticated'])
    expect(tokens.size).toBeGreaterThanOrEqual(2)
    expect(pathsHoldingSecrets(seen, tokens)).toEqual([])
    expect(seen.at(-1)?.session).toBeNull()
  })

  it('signIn() and refresh() resolve with the token-free info of the session the chart holds', async () => {
    const { auth } = await signedIn()
    const info = await auth.refresh({ force: true })
    const held = heldSession(auth)
    expect(Object.keys(info).sort()).toEqual(['claims', 'expiresAt', 'refreshable', 'user'])
    expect(info).toEqual({ user: held?.user, claims: held?.claims, expiresAt: held?.expiresAt, refreshable: true })
    expect(auth.getSnapshot().session).toEqual(info)
  })
})

describe('the public snapshot is frozen', () => {
  it('throws on a write in strict mode, and the next snapshot and the chart keep their values', async () => {
    const { auth, clock } = await signedIn()
    const snapshot = auth.getSnapshot()
    const session = snapshot.session
    if (!session) throw new Error('signed in')
    const userId = session.user.id
    for (const frozen of [snapshot, session, session.user, session.claims, snapshot.user, snapshot.claims]) {
      expect(Object.isFrozen(frozen)).toBe(true)
    }
    // Test modules are ES modules, so strict: a write to a frozen object throws.
    expect(() => {
      ;(snapshot.claims as Record<string, unknown>).x = 1
    }).toThrow(TypeError)
    expect(() => {
      ;(session.user as { id: string }).id = 'x'
    }).toThrow(TypeError)
    expect(() => {
      ;(snapshot as { status: string }).status = 'unauthenticated'
    }).toThrow(TypeError)
    // Sloppy-mode code's writes are dropped silently: the same objects are unchanged.
    expect(Reflect.set(session.claims, 'x', 1)).toBe(false)
    expect(Reflect.set(session.user, 'id', 'x')).toBe(false)

    expect(heldSession(auth)?.claims).not.toHaveProperty('x')
    expect(heldSession(auth)?.user.id).toBe(userId)
    await clock.advance(HOUR) // a refresh: a new snapshot
    const next = auth.getSnapshot()
    expect(next).not.toBe(snapshot)
    expect(next.claims).not.toHaveProperty('x')
    expect(next.session?.user.id).toBe(userId)
    expect(next.user?.id).toBe(userId)
  })

  it('nested claims are frozen too, and the results of signIn() and refresh() are frozen copies', async () => {
    const { auth, clock, adapter } = setupClient()
    await clock.flush()
    adapter.setClaims({ org: { id: 'org-1', roles: ['admin'] } })
    const info = await auth.signIn(credentials)
    const org = info.claims.org as { id: string; roles: string[] }
    expect(Object.isFrozen(info)).toBe(true)
    expect(Object.isFrozen(org)).toBe(true)
    expect(Object.isFrozen(org.roles)).toBe(true)
    expect(() => {
      org.id = 'org-2'
    }).toThrow(TypeError)
    expect(() => {
      org.roles.push('owner')
    }).toThrow(TypeError)
    // Not the chart's objects: the chart and the snapshot keep what the token says.
    expect(info.claims).not.toBe(heldSession(auth)?.claims)
    expect(heldSession(auth)?.claims.org).toEqual({ id: 'org-1', roles: ['admin'] })
    expect(auth.getSnapshot().claims?.org).toEqual({ id: 'org-1', roles: ['admin'] })

    const refreshed = await auth.refresh({ force: true })
    expect(Object.isFrozen(refreshed)).toBe(true)
    expect(Object.isFrozen(refreshed.user)).toBe(true)
    expect(() => {
      ;(refreshed.user as { id: string }).id = 'x'
    }).toThrow(TypeError)
    expect(heldSession(auth)?.user.id).toBe(info.user.id)
  })
})

describe('auth.actor is a read-only, redacted view', () => {
  it('has no send, start or stop, and no way to the chart', async () => {
    const { auth } = await signedIn()
    const actor = auth.actor as unknown as Record<string, unknown>
    for (const method of ['send', 'start', 'stop']) {
      expect(method in actor).toBe(false)
      expect(actor[method]).toBeUndefined()
    }
    expect(Object.isFrozen(auth.actor)).toBe(true)
    expect(auth.actor).not.toBe(chartActor(auth))
    expect(() => {
      ;(actor as { send?: unknown }).send = () => undefined
    }).toThrow(TypeError)
  })

  it('its getSnapshot(), getPersistedSnapshot() and subscribe snapshots hold no token', async () => {
    const { auth, clock } = await signedIn()
    const { tokens } = recordTokens(auth)
    const viewed: unknown[] = []
    auth.actor.subscribe((snapshot) => viewed.push(snapshot))
    await clock.advance(HOUR) // a refresh: a second pair
    const snapshot = auth.actor.getSnapshot()
    const persisted = auth.actor.getPersistedSnapshot()
    expect(tokens.size).toBeGreaterThanOrEqual(4)
    expect(pathsHoldingSecrets(chartActor(auth).getPersistedSnapshot(), tokens)).not.toEqual([])
    expect(viewed.length).toBeGreaterThan(0)
    for (const view of [snapshot, persisted, ...viewed]) {
      expect(pathsHoldingSecrets(view, tokens)).toEqual([])
      expect(JSON.stringify(view)).toContain('[redacted]')
    }
    // The token fields are there, replaced: the view still shows the shape an inspector expects.
    const session = (snapshot.context as { session: Record<string, unknown> }).session
    expect(session.accessToken).toBe('[redacted]')
    expect(session.refreshToken).toBe('[redacted]')
    expect(session.claims).toEqual(heldSession(auth)?.claims)
    expect(snapshot.value).toEqual({ session: 'authenticated', network: 'online' })
    // The chart itself still holds the real tokens.
    expect(heldSession(auth)?.accessToken).toBe(await auth.getToken())
  })
})

describe('auth.notify', () => {
  it("'visible' and 'wake' start a refresh that came due while no timer ran, and nothing when none is due", async () => {
    for (const signal of ['visible', 'wake'] as const) {
      const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 100 } } })
      auth.notify(signal) // not due: nothing to do
      await clock.flush()
      expect(adapter.calls.refresh).toBe(0)
      expect(auth.getSnapshot().status).toBe('authenticated')

      const old = heldSession(auth)?.accessToken
      clock.jump(HOUR - 30_000) // slept inside the margin: no timer has run
      expect(auth.getSnapshot().status).toBe('authenticated')
      auth.notify(signal)
      expect(auth.getSnapshot().status).toBe('refreshing')
      await clock.advance(100)
      expect(adapter.calls.refresh).toBe(1)
      expect(auth.getSnapshot().status).toBe('authenticated')
      expect(heldSession(auth)?.accessToken).not.toBe(old)
    }
  })

  it("'online' with a due token refreshes at once", async () => {
    const { auth, clock, adapter } = await signedIn()
    clock.jump(HOUR)
    auth.notify('online')
    await clock.flush()
    expect(adapter.calls.refresh).toBe(1)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it("'online', 'visible', 'wake' and 'offline' do to a backing-off refresh what the chart's own events did", async () => {
    // Three clients in the same state: one is told through notify, one gets the chart events the
    // browser bindings used to send, one hears nothing. The first two must end alike, and unlike
    // the third, whatever the backoff rules are.
    const signals = [
      ['online', [{ type: 'network.online' }, { type: 'session.check' }]],
      ['visible', [{ type: 'session.check' }]],
      ['wake', [{ type: 'session.check' }]],
      ['offline', [{ type: 'network.offline' }]],
    ] as const
    for (const [signal, events] of signals) {
      const runs = []
      for (const how of ['notify', 'events', 'nothing'] as const) {
        const { auth, adapter, clock } = await signedIn()
        // Before 'online', the network was gone: the backoff is the longest one.
        if (signal === 'online') chartActor(auth).send({ type: 'network.offline' })
        adapter.enqueue('refresh', 'transient')
        await clock.advance(HOUR - MINUTE) // due: the refresh fails and backs off
        expect(
          chartActor(auth)
            .getSnapshot()
            .matches({ session: { refreshing: 'backingOff' } }),
        ).toBe(true)
        clock.jump(5_000) // the device slept through the first retry's timer
        if (how === 'notify') auth.notify(signal)
        if (how === 'events') for (const event of events) chartActor(auth).send(event)
        await clock.flush()
        const { value } = chartActor(auth).getSnapshot()
        runs.push({ calls: adapter.calls.refresh, value })
      }
      expect(runs[0], signal).toEqual(runs[1])
      expect(runs[0], signal).not.toEqual(runs[2])
    }
  })

  it("while 'offline', a failed refresh waits the longest delay; 'online' then retries without waiting more", async () => {
    const { auth, adapter, clock } = await signedIn()
    auth.notify('offline')
    expect(chartActor(auth).getSnapshot().matches({ network: 'offline' })).toBe(true)
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE) // due: the one attempt fails and backs off
    expect(adapter.calls.refresh).toBe(1)
    await clock.advance(29_000) // online, the first retry would have come after about 1 s
    expect(adapter.calls.refresh).toBe(1)
    expect(
      chartActor(auth)
        .getSnapshot()
        .matches({ session: { refreshing: 'backingOff' } }),
    ).toBe(true)
    // The held token still serves callers meanwhile (I1's backoff exception).
    const token = settle(auth.getToken())
    await flushMicrotasks()
    expect(fulfilled(token)).toBe(heldSession(auth)?.accessToken)
    auth.notify('online')
    expect(chartActor(auth).getSnapshot().matches({ network: 'online' })).toBe(true)
    await clock.advance(0)
    expect(adapter.calls.refresh).toBe(2)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it("'offline' then 'online' with nothing due changes nothing", async () => {
    const { auth, adapter, clock } = await signedIn()
    const snapshot = auth.getSnapshot()
    auth.notify('offline')
    auth.notify('online')
    await clock.flush()
    expect(adapter.calls.refresh).toBe(0)
    expect(auth.getSnapshot()).toBe(snapshot)
  })

  it('is ignored before start() and after stop()', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), tabs: false })
    for (const signal of ['visible', 'wake', 'online', 'offline'] as const) auth.notify(signal)
    expect(auth.getSnapshot().status).toBe('restoring')
    auth.start()
    await clock.flush()
    await auth.signIn(credentials)
    auth.stop()
    clock.jump(HOUR)
    for (const signal of ['visible', 'wake', 'online', 'offline'] as const) auth.notify(signal)
    await clock.flush()
    expect(adapter.calls.refresh).toBe(0)
  })
})
