import {
  type AdapterSessionEvent,
  createAuthClient,
  createMemoryStorage,
  InvalidSessionError,
  NotAuthenticatedError,
} from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

function setup() {
  const clock = createFakeClock()
  const fake = createFakeAdapter({ clock })
  let emit: (event: AdapterSessionEvent) => void = () => undefined
  let unsubscribed = 0
  const adapter = {
    ...fake,
    subscribe(listener: (event: AdapterSessionEvent) => void) {
      emit = listener
      return () => {
        unsubscribed += 1
      }
    },
  }
  const storage = createMemoryStorage()
  const auth = createAuthClient({ adapter, clock, storage }).start()
  return { clock, fake, auth, storage, emit: (e: AdapterSessionEvent) => emit(e), unsubscribed: () => unsubscribed }
}

describe('adapter.subscribe', () => {
  it('a newer session from the backend is taken without a request, stored, and sent to sinks', async () => {
    const { auth, clock, fake, storage, emit } = setup()
    await clock.flush()
    await auth.signIn(credentials)
    const sinks: Array<string | null> = []
    auth.addTokenSink((t) => {
      sinks.push(t)
    })
    await clock.advance(10 * MINUTE)
    fake.setClaims({ org_id: 'org-2' })
    const next = await fake.signIn(credentials, { signal: new AbortController().signal, now: () => clock.now() })
    emit({ type: 'sessionChanged', session: next })
    expect(heldSession(auth)?.accessToken).toBe(next.accessToken)
    expect(auth.getSnapshot().claims?.org_id).toBe('org-2')
    expect(sinks.at(-1)).toBe(next.accessToken)
    await clock.flush()
    expect(storage.getItem('authchart.session')).toContain(next.refreshToken)
    expect(fake.calls.refresh).toBe(0)
  })

  it('a sign-out reported by the backend signs this client out and clears the store', async () => {
    const { auth, clock, storage, emit } = setup()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    emit({ type: 'signedOut' })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(storage.getItem('authchart.session')).toBeNull()
    const token = settle(auth.getToken())
    await clock.flush()
    expect(rejected(token)).toBeInstanceOf(NotAuthenticatedError)
  })

  it('a malformed session event is reported and changes nothing', async () => {
    const { auth, clock, emit } = setup()
    await clock.flush()
    await auth.signIn(credentials)
    const held = heldSession(auth)
    expect(held?.accessToken).toEqual(expect.any(String))
    emit({ type: 'sessionChanged', session: { accessToken: 'garbage' } })
    expect(auth.getSnapshot().error).toBeInstanceOf(InvalidSessionError)
    expect(heldSession(auth)).toBe(held)
    await clock.advance(HOUR - MINUTE - 1_000)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('is unsubscribed on stop', async () => {
    const { auth, unsubscribed } = setup()
    auth.stop()
    expect(unsubscribed()).toBe(1)
  })
})
