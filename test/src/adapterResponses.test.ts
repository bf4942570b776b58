import {
  AdapterError,
  type AdapterSessionEvent,
  AuthError,
  type AuthAdapter,
  createAuthClient,
  createMemoryStorage,
  InvalidSessionError,
  type SessionInput,
  type SessionStorage,
  type TabLocks,
} from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeAdapter, type FakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

// What src/createAuthEffects.ts makes of each adapter answer, through the client: the label each
// bad response is reported under, the optional adapter methods left out, and the responses a
// backend may legitimately give (no user from validate, no refresh token from a refresh).

const KEY = 'authchart.session'

/** A session as a server stamped at `at` on its own clock (a clockless fake stamps with `now`). */
function issuedAt(at: number): Promise<SessionInput> {
  return createFakeAdapter().signIn(credentials, { signal: new AbortController().signal, now: () => at })
}

interface Env {
  clock?: FakeClock
  storage?: SessionStorage
  tabs?: { locks: TabLocks }
}

function start(adapter: AuthAdapter<typeof credentials>, env: Env & { clock: FakeClock }) {
  const storage = env.storage ?? createMemoryStorage()
  const auth = createAuthClient({
    adapter,
    clock: env.clock,
    storage,
    tabs: env.tabs ?? false,
    random: () => 0.5,
  }).start()
  const errors: unknown[] = []
  auth.on('error', (event) => errors.push(event.error))
  return { auth, errors, storage, clock: env.clock }
}

/** A started client over `fake` with some of its methods replaced or left out (`undefined`). */
function clientWith(
  fake: FakeAdapter,
  clock: FakeClock,
  changes: Partial<Record<keyof AuthAdapter<typeof credentials>, unknown>>,
  env: Env = {},
) {
  const adapter = { ...fake, ...changes } as AuthAdapter<typeof credentials>
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete (adapter as unknown as Record<string, unknown>)[name]
  }
  return start(adapter, { ...env, clock })
}

async function signedIn(changes: Parameters<typeof clientWith>[2] = {}, env: Env = {}) {
  const clock = env.clock ?? createFakeClock()
  const fake = createFakeAdapter({ clock })
  const client = clientWith(fake, clock, changes, env)
  await clock.flush()
  const signIn = settle(client.auth.signIn(credentials))
  await clock.flush()
  fulfilled(signIn)
  return { ...client, fake }
}

/** A page load over a session an earlier visit stored, with the adapter changed as given. */
async function reloaded(changes: Parameters<typeof clientWith>[2]) {
  const earlier = await signedIn()
  earlier.auth.stop()
  const client = clientWith(earlier.fake, earlier.clock, changes, { storage: earlier.storage })
  await earlier.clock.flush()
  return { ...client, fake: earlier.fake }
}

describe('sign-in responses', () => {
  it('a response that is not a session is rejected as the sign-in response', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const { auth } = clientWith(fake, clock, {})
    await clock.flush()
    fake.enqueue('signIn', { response: { accessToken: 42 } })
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    const error = rejected(signIn)
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as Error).message).toMatch(/^sign-in response is invalid /)
  })

  it('an expired session is rejected as the sign-in response', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const { auth } = clientWith(fake, clock, {})
    await clock.flush()
    fake.enqueue('signIn', { response: await issuedAt(clock.now() - 2 * HOUR) })
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    expect((rejected(signIn) as Error).message).toMatch(/^sign-in response expired /)
  })

  it('a refused sign-in is an AdapterError of the signIn operation', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const { auth } = clientWith(fake, clock, {})
    await clock.flush()
    fake.enqueue('signIn', 'rejected')
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    const error = rejected(signIn) as AdapterError
    expect(error).toBeInstanceOf(AdapterError)
    expect(error.operation).toBe('signIn')
    expect(error.code).toBe('signIn_rejected')
  })

  it('a sign-in, given no token, passes the adapter’s error text on whole (nothing to redact)', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const text = 'the login service is down'
    const { auth } = clientWith(fake, clock, {
      signIn: () => Promise.reject(new Error(text)),
    })
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    const error = rejected(signIn) as AdapterError
    expect(error.message).toContain(text)
    expect((error.cause as Error).message).toBe(text)
  })
})

describe('refresh responses', () => {
  it('a response that is not a session is reported as the refresh response', async () => {
    const { auth, fake, clock, errors } = await signedIn()
    fake.enqueue('refresh', { response: { accessToken: 42 } })
    const refresh = settle(auth.refresh({ force: true }))
    await clock.advance(1_000)
    const error = rejected(refresh)
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as Error).message).toMatch(/^refresh response is invalid /)
    expect(errors).toContain(error)
  })

  it('an expired session is reported as the refresh response', async () => {
    const { auth, fake, clock } = await signedIn()
    fake.enqueue('refresh', { response: await issuedAt(clock.now() - 2 * HOUR) })
    const refresh = settle(auth.refresh({ force: true }))
    await clock.advance(1_000)
    expect((rejected(refresh) as Error).message).toMatch(/^refresh response expired /)
  })

  it('a backend that omits the refresh token keeps the one held, and its time', async () => {
    const { auth, fake, clock, storage } = await signedIn()
    const before = heldSession(auth)!
    const storedAt = (JSON.parse(storage.getItem(KEY) as string) as { refreshTokenAt: number }).refreshTokenAt
    await clock.advance(10 * MINUTE)
    const { refreshToken: _omitted, ...answer } = await issuedAt(clock.now())
    fake.enqueue('refresh', { response: answer })
    const refresh = settle(auth.refresh({ force: true }))
    await clock.advance(1_000)
    fulfilled(refresh)
    const after = heldSession(auth)!
    expect(after.accessToken === before.accessToken).toBe(false)
    expect(after.refreshToken === before.refreshToken).toBe(true)
    const stored = JSON.parse(storage.getItem(KEY) as string) as { refreshToken: string; refreshTokenAt: number }
    expect(stored.refreshToken === before.refreshToken).toBe(true)
    expect(stored.refreshTokenAt).toBe(storedAt)
    // and the next refresh presents it
    const next = settle(auth.refresh({ force: true }))
    await clock.advance(1_000)
    fulfilled(next)
    expect(fake.refreshTokensSent.at(-1) === before.refreshToken).toBe(true)
  })

  it('a backend that answers with the same refresh token has not rotated: its time is kept', async () => {
    const { auth, fake, clock, storage } = await signedIn()
    const before = heldSession(auth)!
    const storedAt = (JSON.parse(storage.getItem(KEY) as string) as { refreshTokenAt: number }).refreshTokenAt
    await clock.advance(10 * MINUTE)
    fake.enqueue('refresh', { response: { ...(await issuedAt(clock.now())), refreshToken: before.refreshToken } })
    const refresh = settle(auth.refresh({ force: true }))
    await clock.advance(1_000)
    fulfilled(refresh)
    expect((JSON.parse(storage.getItem(KEY) as string) as { refreshTokenAt: number }).refreshTokenAt).toBe(storedAt)
    // A rotated one is stamped with the time it was received.
    await clock.advance(10 * MINUTE)
    const rotated = settle(auth.refresh({ force: true }))
    await clock.advance(1_000)
    fulfilled(rotated)
    expect((JSON.parse(storage.getItem(KEY) as string) as { refreshTokenAt: number }).refreshTokenAt).toBeGreaterThan(
      storedAt!,
    )
  })
})

describe('adapter.restore', () => {
  it('a session the adapter restores is taken', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const restoredSession = await issuedAt(clock.now())
    const { auth, errors } = clientWith(fake, clock, { restore: () => Promise.resolve(restoredSession) })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(heldSession(auth)?.accessToken === restoredSession.accessToken).toBe(true)
    expect(errors).toEqual([])
  })

  it('null from restore is no session, and no error', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const { auth, errors } = clientWith(fake, clock, { restore: () => Promise.resolve(null) })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(errors).toEqual([])
  })

  it('a restored value that is not a session is reported as the restored session', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const { auth, errors } = clientWith(fake, clock, { restore: () => Promise.resolve({ accessToken: 42 }) })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(errors).toHaveLength(1)
    expect((errors[0] as Error).message).toMatch(/^restored session is invalid /)
  })

  it('a failing restore is an AdapterError of the restore operation', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const { auth, errors } = clientWith(fake, clock, { restore: () => Promise.reject(new Error('cookie jar locked')) })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AdapterError)
    expect((errors[0] as AdapterError).operation).toBe('restore')
  })
})

describe('adapter.validate', () => {
  it('an adapter without validate restores the stored session without an error', async () => {
    const { auth, errors } = await reloaded({ validate: undefined })
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(errors).toEqual([])
  })

  it('validate answering nothing, or no user, keeps the user', async () => {
    for (const answer of [undefined, {}]) {
      const { auth, errors, fake } = await reloaded({ validate: () => Promise.resolve(answer) })
      expect(auth.getSnapshot().status).toBe('authenticated')
      expect(auth.getSnapshot().user).toEqual(expect.objectContaining({ id: expect.any(String) }))
      expect(errors).toEqual([])
      expect(fake.calls.refresh).toBe(0)
    }
  })

  it('a user from validate that is not a user is reported as the validated user', async () => {
    const { auth, errors } = await reloaded({ validate: () => Promise.resolve({ user: 42 }) })
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(InvalidSessionError)
    expect((errors[0] as Error).message).toMatch(/^validated user is invalid /)
    expect(auth.getSnapshot().user).toEqual(expect.objectContaining({ id: expect.any(String) }))
  })
})

describe('adapter.signOut', () => {
  it('an adapter without signOut signs out locally without an error', async () => {
    const { auth, clock, errors } = await signedIn({ signOut: undefined })
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(errors).toEqual([])
  })

  it('signing out with no session calls no adapter', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const { auth, errors } = clientWith(fake, clock, {})
    await clock.flush()
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    expect(fake.calls.signOut).toBe(0)
    expect(errors).toEqual([])
  })
})

describe('adapter.subscribe', () => {
  async function subscribed(changes: Parameters<typeof clientWith>[2] = {}) {
    let emit: (event: AdapterSessionEvent) => void = () => undefined
    const client = await signedIn({
      ...changes,
      subscribe: (listener: (event: AdapterSessionEvent) => void) => {
        emit = listener
        return () => undefined
      },
    })
    return { ...client, emit: (event: AdapterSessionEvent) => emit(event) }
  }

  it('an error event is reported as a failed refresh, classified by the adapter', async () => {
    const { emit, errors, clock, auth } = await subscribed()
    emit({ type: 'error', error: Object.assign(new Error('401'), { status: 401 }) })
    await clock.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AdapterError)
    expect((errors[0] as AdapterError).operation).toBe('refresh')
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('an error event from an adapter without classify is reported as transient', async () => {
    const { emit, errors, clock } = await subscribed({ classify: undefined })
    expect(() => emit({ type: 'error', error: new Error('socket closed') })).not.toThrow()
    await clock.flush()
    expect(errors).toHaveLength(1)
    expect((errors[0] as AdapterError).code).toBe('refresh_transient')
  })

  it('a bad session event is reported as the session from adapter.subscribe', async () => {
    const { emit, errors, clock } = await subscribed()
    emit({ type: 'sessionChanged', session: { accessToken: 42 } as unknown as SessionInput })
    await clock.flush()
    expect((errors[0] as Error).message).toMatch(/^session from adapter\.subscribe is invalid /)
  })

  it('a session event that throws while read is reported as a bad adapter event, with the cause', async () => {
    const { emit, errors, clock } = await subscribed()
    const boom = new TypeError('getter failed')
    const session = {
      get accessToken(): string {
        throw boom
      },
    }
    expect(() => emit({ type: 'sessionChanged', session: session as unknown as SessionInput })).not.toThrow()
    await clock.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AuthError)
    expect((errors[0] as Error).message).toBe('bad adapter event')
    expect((errors[0] as Error).cause).toBe(boom)
  })
})

describe('the refresh lock', () => {
  it('is requested with the refresh’s abort signal, so a timed-out refresh withdraws its request', async () => {
    const requests: Array<{ name: string; signal: AbortSignal | undefined }> = []
    const locks: TabLocks = {
      request(name, { signal }, callback) {
        requests.push({ name, signal })
        return callback()
      },
    }
    const { auth, clock } = await signedIn({}, { tabs: { locks } })
    const refresh = settle(auth.refresh({ force: true }))
    await clock.advance(1_000)
    fulfilled(refresh)
    expect(requests).toHaveLength(1)
    expect(requests[0]!.name).toBe('authchart:refresh:authchart.session')
    expect(requests[0]!.signal).toBeInstanceOf(AbortSignal)
  })

  it('a tab that waited for the lock takes the session the holder stored, without a request', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock, latency: { refresh: 200 } })
    const storage = createMemoryStorage()
    const locks = createSharedLocks()
    const a = start(fake, { clock, storage, tabs: { locks } })
    await clock.flush()
    const signIn = settle(a.auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const b = start(fake, { clock, storage, tabs: { locks } }) // restores what A stored
    await clock.flush()
    expect(b.auth.getSnapshot().status).toBe('authenticated')
    await clock.advance(HOUR - MINUTE / 2 + 1_000) // both are due at once
    expect(fake.calls.refresh).toBe(1)
    expect(heldSession(b.auth)?.accessToken === heldSession(a.auth)?.accessToken).toBe(true)
    expect([a.errors, b.errors]).toEqual([[], []])
  })
})

/** Web Locks for one name at a time: callers take turns, in order. */
function createSharedLocks(): TabLocks {
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
