import { type AuthAdapter, createAuthClient, createMemoryStorage, NotAuthenticatedError, type Session } from 'authchart'
import { createFakeAdapter, createFakeClock, type FakeCredentials, flushMicrotasks } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import type { InspectionEvent } from 'xstate'
import { createRecordingLogger, credentials, HOUR, MINUTE, setupClient, signedIn } from '../fixtures/setupClient.js'
import { chartActor, heldSession } from '../fixtures/heldSession.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

describe('restore at start-up', () => {
  it('restores a stored session, validates it once, then trusts it', async () => {
    const first = await signedIn()
    const token = heldSession(first.auth)?.accessToken
    const second = setupClient({ storage: first.storage, adapter: { latency: { validate: 100 } } })
    await second.clock.flush()
    expect(second.auth.getSnapshot().status).toBe('validating')
    await second.clock.advance(100)
    expect(second.auth.getSnapshot().status).toBe('authenticated')
    expect(second.adapter.calls.validate).toBe(1)
    await expect(second.auth.getToken()).resolves.toBe(token)
  })

  it('refreshes a restored session that is already due instead of validating a dying token', async () => {
    const first = await signedIn()
    first.auth.stop()
    first.clock.jump(HOUR - 30_000) // the page was closed; it reopens inside the margin
    const auth = createAuthClient({ adapter: first.adapter, clock: first.clock, storage: first.storage }).start()
    await first.clock.flush()
    expect(first.adapter.calls.validate).toBe(0)
    expect(first.adapter.calls.refresh).toBe(1)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('a rejected validation with a refresh token refreshes; without one it ends expired', async () => {
    const first = await signedIn()
    const second = setupClient({ storage: first.storage })
    second.adapter.enqueue('validate', 'rejected')
    await second.clock.flush()
    // the second fake server never issued this refresh token, so the refresh is rejected too
    expect(second.auth.getSnapshot().status).toBe('expired')
    expect(second.adapter.calls.refresh).toBe(1)
  })

  it('keeps a restored session through a transient validation failure while the token is valid', async () => {
    const first = await signedIn()
    const second = setupClient({ storage: first.storage })
    second.adapter.enqueue('validate', 'transient')
    await second.clock.flush()
    expect(second.auth.getSnapshot().status).toBe('authenticated')
    expect(second.auth.getSnapshot().error?.kind).toBe('transient')
  })

  it('falls back to memory storage with one warning when the platform has none', async () => {
    const clock = createFakeClock()
    const { logger, lines } = createRecordingLogger()
    const auth = createAuthClient({ adapter: createFakeAdapter({ clock }), clock, logger }).start()
    await clock.flush()
    await auth.signIn(credentials)
    await auth.signOut()
    expect(lines.filter((l) => l.includes('will not survive a reload'))).toHaveLength(1)
  })

  it('uses explicit memory storage without a warning', async () => {
    const { auth, logLines } = await signedIn()
    await auth.signOut()
    expect(logLines).toEqual([])
  })
})

describe('sign-in and sign-out', () => {
  it('signOut aborts a refresh in flight through its AbortSignal and drops the late result', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const signals: AbortSignal[] = []
    let release: ((value: Awaited<ReturnType<AuthAdapter['refresh']>>) => void) | undefined
    const adapter: AuthAdapter<FakeCredentials> = {
      ...fake,
      refresh: (session: Session, ctx) => {
        signals.push(ctx.signal)
        return new Promise((resolve) => {
          // Ignores the signal on purpose: the late answer must still be dropped.
          release = resolve
        }).then(() => fake.refresh(session, { ...ctx, signal: new AbortController().signal }))
      },
    }
    const storage = createMemoryStorage()
    const auth = createAuthClient({ adapter, clock, storage }).start()
    await clock.flush()
    await auth.signIn(credentials)
    const sinkTokens: Array<string | null> = []
    auth.addTokenSink((t) => {
      sinkTokens.push(t)
    })
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().status).toBe('refreshing')
    await auth.signOut()
    expect(signals[0]?.aborted).toBe(true)
    release?.({ accessToken: 'late' })
    await clock.advance(1_000)
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().session).toBeNull()
    expect(storage.getItem('authchart.session')).toBeNull()
    expect(sinkTokens.at(-1)).toBeNull()
  })

  it('a refresh() waiting when the user signs out is rejected, not left hanging', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { refresh: 500 } } })
    const pending = settle(auth.refresh({ force: true }))
    await clock.flush()
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    expect(rejected(pending)).toBeInstanceOf(NotAuthenticatedError)
  })

  it('a failed sign-in while signed in keeps the session', async () => {
    const { auth, adapter } = await signedIn()
    const before = auth.getSnapshot().session
    const held = heldSession(auth)
    adapter.enqueue('signIn', 'rejected')
    await expect(auth.signIn(credentials)).rejects.toMatchObject({ kind: 'rejected' })
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(heldSession(auth)).toBe(held) // the chart kept the very session it held
    expect(auth.getSnapshot().session).toEqual(before)
  })

  it('a second sign-in cancels the first', async () => {
    const { auth, clock } = setupClient({ adapter: { latency: { signIn: 100 } } })
    await clock.flush()
    const first = settle(auth.signIn(credentials))
    const second = settle(auth.signIn({ email: 'bob@example.com', password: 'pw' }))
    await clock.advance(100)
    expect(rejected(first)).toBeInstanceOf(NotAuthenticatedError)
    expect(fulfilled(second).user.email).toBe('bob@example.com')
  })

  it('stop() rejects pending calls', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { refresh: 500 } } })
    const pending = settle(auth.refresh({ force: true }))
    await clock.flush()
    auth.stop()
    const token = settle(auth.getToken())
    await flushMicrotasks()
    expect(rejected(pending)).toBeInstanceOf(NotAuthenticatedError)
    expect(rejected(token)).toBeInstanceOf(NotAuthenticatedError)
  })
})

describe('another tab', () => {
  it('takes a newer session from another tab without a request, and ignores a stale one', async () => {
    const { auth, clock, adapter } = await signedIn()
    const other = await signedIn()
    await other.clock.advance(HOUR) // the other tab's session is now newer
    const newer = heldSession(other.auth) as Session
    chartActor(auth).send({ type: 'tab.sessionChanged', session: newer, refreshTokenAt: null })
    expect(heldSession(auth)?.accessToken).toBe(newer.accessToken)
    const stale = heldSession((await signedIn()).auth) as Session
    chartActor(auth).send({ type: 'tab.sessionChanged', session: stale, refreshTokenAt: null })
    expect(heldSession(auth)?.accessToken).toBe(newer.accessToken)
    expect(adapter.calls.refresh).toBe(0)
    // the refresh timer follows the adopted session
    await clock.advance(HOUR - MINUTE - 1_000)
    expect(adapter.calls.refresh).toBe(0)
  })
})

describe('tokens never leak', () => {
  it('the inspector sees redacted tokens unless the app opts out', async () => {
    const events: InspectionEvent[] = []
    const { auth, clock } = setupClient({ client: { inspect: (e) => events.push(e) } })
    await clock.flush()
    await auth.signIn(credentials)
    const session = heldSession(auth) as Session
    await clock.advance(HOUR)
    const seen = JSON.stringify(events.map((e) => ('snapshot' in e ? [e.snapshot, e.event] : e.type)))
    expect(seen).toContain('[redacted]')
    expect(seen).not.toContain(session.accessToken)
    expect(seen).not.toContain(session.refreshToken)
    expect(seen).not.toContain('eyJ')
    expect(seen).not.toContain(credentials.password) // the auth.signIn event carries credentials
    // Inspectors also read live snapshots through the ref they were given.
    const late = JSON.stringify(
      events.flatMap((e) => (e.type === '@xstate.actor' ? [e.actorRef.getSnapshot().context ?? null] : [])),
    )
    expect(late).toContain('[redacted]')
    expect(late).not.toContain(session.accessToken)

    const raw: InspectionEvent[] = []
    const opted = setupClient({ client: { inspect: (e) => raw.push(e), redactInspection: false } })
    await opted.clock.flush()
    await opted.auth.signIn(credentials)
    const visible = heldSession(opted.auth) as Session
    expect(JSON.stringify(raw.map((e) => ('snapshot' in e ? e.snapshot : null)))).toContain(visible.accessToken)
  })

  it('error messages from a failing adapter carry no token', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const adapter = {
      ...fake,
      refresh: async (session: Session) => {
        throw new Error(`token ${session.accessToken} was rejected`)
      },
    }
    const { logger, lines } = createRecordingLogger()
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), logger }).start()
    await clock.flush()
    await auth.signIn(credentials)
    const session = heldSession(auth) as Session
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().error?.message).toContain('[redacted jwt]')
    expect(auth.getSnapshot().error?.message).not.toContain(session.accessToken)
    expect(lines.join('\n')).not.toContain(session.accessToken)
  })
})
