import { createAuthClient, createMemoryStorage, NotAuthenticatedError, SessionExpiredError, SinkError } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { credentials, HOUR, MINUTE, setupClient, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

// What the facade (src/createAuthClient.ts) itself decides, outside the chart: when `refresh()`
// waits, what it refuses and with which error, what a stopped client answers, where a failure
// goes once nothing listens, and that `on()` really unsubscribes. Each outcome is asserted
// settled, so a facade that leaves a call pending fails on an assertion, not the test timeout.

afterEach(() => {
  vi.restoreAllMocks()
})

describe('refresh() against the client’s status', () => {
  it('waits while a stored session is validated, then refreshes it', async () => {
    const storage = createMemoryStorage()
    const first = await signedIn({ storage })
    first.auth.stop()
    // A second page load, against the same server.
    const { adapter, clock } = first
    adapter.hold('validate')
    const auth = createAuthClient({ adapter, clock, storage, random: () => 0.5 }).start()
    await clock.advance(0)
    expect(auth.getSnapshot().status).toBe('validating')
    const refreshed = settle(auth.refresh({ force: true }))
    await clock.advance(0)
    // Not refused as "not signed in": the client is on its way to a session.
    expect(refreshed.status).toBe('pending')
    expect(adapter.calls.refresh).toBe(0)
    adapter.resume('validate')
    await clock.flush()
    expect(fulfilled(refreshed).user.email).toBe(credentials.email)
    expect(adapter.calls.refresh).toBe(1)
    expect(auth.getSnapshot().status).toBe('authenticated')
    auth.stop()
  })

  it('rejects with the chart’s own SessionExpiredError once the session has expired', async () => {
    const { auth, adapter, clock } = await signedIn()
    adapter.enqueue('refresh', 'rejected')
    const first = settle(auth.refresh({ force: true }))
    await clock.flush()
    rejected(first)
    const { status, error } = auth.getSnapshot()
    expect(status).toBe('expired')
    const again = settle(auth.refresh({ force: true }))
    await clock.flush()
    const reason = rejected(again)
    expect(reason).toBeInstanceOf(SessionExpiredError)
    expect(reason).toBe(error)
    expect(adapter.calls.refresh).toBe(1)
    auth.stop()
  })

  it('rejects with NotAuthenticatedError when nobody signed in, and asks nothing of the adapter', async () => {
    const { auth, adapter, clock } = setupClient()
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    const refreshed = settle(auth.refresh())
    await clock.flush()
    const reason = rejected(refreshed)
    expect(reason).toBeInstanceOf(NotAuthenticatedError)
    expect(reason).not.toBeInstanceOf(SessionExpiredError)
    expect(adapter.calls.refresh).toBe(0)
    auth.stop()
  })

  it('rejects at once on a stopped client, saying it is stopped', async () => {
    const { auth, adapter, clock } = await signedIn()
    auth.stop()
    const refreshed = settle(auth.refresh({ force: true }))
    await clock.flush()
    const reason = rejected(refreshed)
    expect(reason).toBeInstanceOf(NotAuthenticatedError)
    expect((reason as Error).message).toMatch(/the auth client is stopped/)
    expect(adapter.calls.refresh).toBe(0)
  })
})

describe('a stopped client', () => {
  it('rejects a sign-in still in flight, saying the client was stopped', async () => {
    const { auth, adapter, clock } = setupClient()
    await clock.flush()
    adapter.hold('signIn')
    const signingIn = settle(auth.signIn(credentials))
    await clock.advance(0)
    auth.stop()
    await clock.flush()
    const reason = rejected(signingIn)
    expect(reason).toBeInstanceOf(NotAuthenticatedError)
    expect((reason as Error).message).toMatch(/the auth client was stopped/)
  })

  it('sends a failure nobody can hear any more to the logger, with its code', async () => {
    const { auth, logLines } = await signedIn()
    auth.stop()
    const errors: unknown[] = []
    auth.on('error', (event) => errors.push(event.error))
    auth.addTokenSink(() => {
      throw new Error('socket closed')
    })
    const sinkError = new SinkError('a token sink failed')
    expect(logLines).toEqual([`error: ${sinkError.code}: a token sink failed`])
    expect(errors).toEqual([])
  })
})

describe('auth.on', () => {
  it('returns a function that stops the listener', async () => {
    const { auth } = await signedIn()
    const heard: unknown[] = []
    const off = auth.on('error', (event) => heard.push(event.error))
    auth.addTokenSink(() => {
      throw new Error('first')
    })
    expect(heard).toHaveLength(1)
    off()
    auth.addTokenSink(() => {
      throw new Error('second')
    })
    expect(heard).toHaveLength(1)
    auth.stop()
  })
})

describe('notify', () => {
  it("'visible' while offline does not bring the client back online: a failed refresh still waits the longest delay", async () => {
    const { auth, adapter, clock } = await signedIn({ client: { retry: { baseDelay: 1_000, maxDelay: 30_000 } } })
    auth.notify('offline')
    auth.notify('visible')
    auth.notify('wake')
    adapter.enqueue('refresh', 'transient')
    await clock.advance(HOUR - MINUTE)
    expect(adapter.calls.refresh).toBe(1)
    await clock.advance(20_000) // online, the retry would have come after about 1 s
    expect(adapter.calls.refresh).toBe(1)
    auth.notify('online')
    await clock.advance(0)
    expect(adapter.calls.refresh).toBe(2)
    auth.stop()
  })
})

describe('auth.fetch on a 401', () => {
  it('asks the adapter for a refresh that bypasses its caches (Clerk’s skipCache)', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const forced: boolean[] = []
    const adapter: typeof fake = {
      ...fake,
      refresh: (session, context) => {
        forced.push(context.force)
        return fake.refresh(session, context)
      },
    }
    const statuses = [401, 200]
    const fetch = (async () => new Response(null, { status: statuses.shift() ?? 200 })) as typeof globalThis.fetch
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), fetch, random: () => 0.5 }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const response = settle(auth.fetch('https://api.test/pay'))
    await clock.flush()
    expect(fulfilled(response).status).toBe(200)
    expect(forced).toEqual([true])
    auth.stop()
  })
})
