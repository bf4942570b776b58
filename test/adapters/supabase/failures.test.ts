// The failures a Supabase app meets, against the real supabase-js client and the GoTrue emulator:
// each lands in the right state with the right error, and a transient one never signs out.
import { createClient } from '@supabase/supabase-js'
import { AdapterError, InvalidSessionError, parseSession, SessionExpiredError } from 'authchart'
import { createSupabaseAdapter, createSupabaseClientOptions } from 'authchart/supabase'
import { createFaultProxy } from 'authchart/testing/node'
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { InjectedFailure } from '../../fixtures/supabase/createGoTrueEmulator.js'
import { createSupabaseHarness, MINUTE, USER, untilSnapshot } from '../../fixtures/supabase/setupSupabase.js'
import { type SupabaseEmulator, startSupabaseEmulator } from '../../fixtures/supabase/startSupabaseEmulator.js'
import { heldSession } from '../../fixtures/heldSession.js'

let emulator: SupabaseEmulator
let harness: ReturnType<typeof createSupabaseHarness>

beforeAll(async () => {
  emulator = await startSupabaseEmulator({ accessTokenTtl: 600 })
})
afterAll(() => emulator.close())
beforeEach(() => {
  harness = createSupabaseHarness(emulator)
})
afterEach(() => harness.cleanup())

const DUE = 9 * MINUTE + 1_000 // ttl 10 min, margin 1 min

async function signedInPage() {
  const page = harness.page()
  await page.auth.signIn(USER)
  const first = heldSession(page.auth)?.accessToken
  expect(first).toEqual(expect.any(String))
  return { ...page, first }
}

describe('failures against GoTrue', () => {
  it('a token refreshed while a data request is in flight: the request completes, the next one carries the new token', async () => {
    const { supabase, auth, first } = await signedInPage()
    const slowRest = emulator.gotrue.hold('rest')
    const inFlight = supabase
      .from('bookings')
      .select()
      .then((result) => result) // PostgREST builders are lazy: this sends the request
    await slowRest.arrived

    await harness.clock.advance(DUE)
    await untilSnapshot(auth, (s) => s.status === 'authenticated' && heldSession(auth)?.accessToken !== first)
    slowRest.release()
    const { data, error } = await inFlight
    expect(error).toBeNull()
    expect(data).toHaveLength(1)
    expect(emulator.gotrue.requests.find((r) => r.op === 'rest')?.bearer).toBe(first)

    const next = emulator.gotrue.next((r) => r.op === 'rest')
    await supabase.from('bookings').select()
    expect((await next).bearer).toBe(heldSession(auth)?.accessToken)
    expect(auth.getSnapshot()).toMatchObject({ status: 'authenticated', error: null })
  })

  it('an expired refresh token ends in expired with a rejected refresh, and data calls fail instead of going out anonymous', async () => {
    const { supabase, auth } = await signedInPage()
    const rejected: unknown[] = []
    auth.on('refreshRejected', ({ error }) => rejected.push(error))
    emulator.gotrue.expireRefreshTokens()

    await harness.clock.advance(DUE)
    const snapshot = await untilSnapshot(auth, (s) => s.status === 'expired')
    expect(snapshot.error).toBeInstanceOf(SessionExpiredError)
    expect((snapshot.error as SessionExpiredError).reason).toBe('refresh_rejected')
    const cause = snapshot.error?.cause
    expect(cause).toBeInstanceOf(AdapterError)
    expect((cause as AdapterError).kind).toBe('rejected')
    expect((cause as AdapterError).message).toContain('session_expired')
    expect(rejected).toHaveLength(1)
    await expect(auth.getToken()).rejects.toBeInstanceOf(SessionExpiredError)

    const restBefore = emulator.gotrue.count('rest')
    const { error } = await supabase.from('bookings').select()
    expect(error?.message).toContain('session expired')
    expect(emulator.gotrue.count('rest')).toBe(restBefore)
  })

  it('a revoked session is rejected on validation and on refresh: expired, never retried', async () => {
    const first = harness.page()
    await first.auth.signIn(USER)
    first.auth.stop()
    emulator.gotrue.revokeUser(USER.email) // signed out everywhere from another device

    const { auth } = harness.page({ storage: first.storage })
    const snapshot = await untilSnapshot(auth, (s) => s.status === 'expired')
    // GoTrue deletes a signed-out session's refresh tokens, so it says "not found".
    expect((snapshot.error as SessionExpiredError).reason).toBe('refresh_token_unknown')
    const cause = snapshot.error?.cause as AdapterError
    expect((cause.cause as { code: string }).code).toBe('refresh_token_not_found')
    expect(emulator.gotrue.requests.map((r) => `${r.op}:${r.status}`)).toEqual([
      'password:200',
      'user:403',
      'refresh:400',
    ])
    await harness.clock.advance(5 * MINUTE)
    expect(emulator.gotrue.count('refresh')).toBe(1)
  })

  it.each<InjectedFailure>([500, 'drop', 429])(
    '%s on refresh is transient: still signed in, retried by the chart, never by the SDK',
    async (failure) => {
      const { auth, first } = await signedInPage()
      emulator.gotrue.fail('refresh', failure)

      await harness.clock.advance(DUE)
      const failing = await untilSnapshot(auth, (s) => s.error !== null)
      expect(failing.status).toBe('refreshing')
      expect(failing.error?.kind).toBe('transient')
      expect(failing.session).not.toBeNull()
      expect(heldSession(auth)?.accessToken).toBe(first) // still held, still valid
      expect(emulator.gotrue.count('refresh')).toBe(1) // no hidden SDK retry

      await harness.clock.advance(5_000) // the chart's backoff (a 429's Retry-After is 2 s)
      const recovered = await untilSnapshot(
        auth,
        (s) => s.status === 'authenticated' && heldSession(auth)?.accessToken !== first,
      )
      expect(recovered.error).toBeNull()
      expect(emulator.gotrue.count('refresh')).toBe(2)
    },
  )

  it('a refresh answer that is not a session is an InvalidSessionError, and the session is kept', async () => {
    const { auth, first, logLines } = await signedInPage()
    emulator.gotrue.fail('refresh', 'garbage')
    await harness.clock.advance(DUE)
    const snapshot = await untilSnapshot(auth, (s) => s.error !== null)
    expect(snapshot.error).toBeInstanceOf(InvalidSessionError)
    expect(snapshot.session).not.toBeNull()
    expect(heldSession(auth)?.accessToken).toBe(first)
    expect(snapshot.status).not.toBe('expired')
    expect(logLines.join('\n')).not.toMatch(/eyJ/)
  })

  it('wrong credentials are rejected with GoTrue code, and no token reaches an error message', async () => {
    const { auth } = harness.page()
    const failure = auth.signIn({ email: USER.email, password: 'wrong' })
    await expect(failure).rejects.toBeInstanceOf(AdapterError)
    const error = (await failure.catch((e: unknown) => e)) as AdapterError
    expect(error.kind).toBe('rejected')
    expect((error.cause as { code: string }).code).toBe('invalid_credentials')
    expect(auth.getSnapshot().status).toBe('unauthenticated')
  })

  it('signing out aborts a refresh in flight; its late answer is never adopted', async () => {
    const { auth, supabase } = await signedInPage()
    const slowRefresh = emulator.gotrue.hold('refresh')
    await harness.clock.advance(DUE)
    await slowRefresh.arrived
    expect(auth.getSnapshot().status).toBe('refreshing')

    await auth.signOut()
    slowRefresh.release()
    expect(auth.getSnapshot()).toMatchObject({ status: 'unauthenticated', session: null })
    expect(emulator.gotrue.count('logout')).toBe(1)
    expect(supabase.realtime.accessTokenValue).toBeNull()
  })

  it('offline behind the fault proxy, sign-in and refresh fail with network errors classified as transient', async () => {
    const proxy = await createFaultProxy({ target: emulator.url })
    try {
      const supabase = createClient(proxy.url, emulator.anonKey, {
        ...createSupabaseClientOptions(() => {
          throw new Error('no data calls here')
        }),
        realtime: { transport: WebSocket as never },
      })
      const adapter = createSupabaseAdapter(supabase)
      const context = { signal: new AbortController().signal, now: () => harness.clock.now(), force: true }
      const session = parseSession(await adapter.signIn(USER, context))
      proxy.setNetwork('down')
      // supabase-js reports its own request's failure as AuthRetryableFetchError; the adapter's
      // refresh grant sees fetch's TypeError.
      for (const call of [adapter.signIn(USER, context), adapter.refresh(session, context)]) {
        const failure = await call.then(
          () => null,
          (error: unknown) => error,
        )
        expect(failure).not.toBeNull()
        expect(adapter.classify?.(failure)).toBe('transient')
      }
      expect(proxy.networkCuts).toBeGreaterThanOrEqual(2)
    } finally {
      await proxy.close()
    }
  })
})
