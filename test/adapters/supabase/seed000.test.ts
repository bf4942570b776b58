// Seed 000: a payment page validated the session, then read the token again from supabase-js's
// storage and sent a stale one: 401 on payment. Replayed against the real supabase-js client and
// a GoTrue emulator, with the validation answered slowly and a refresh in between.
import { createMemoryStorage } from 'authchart'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
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

const booking = { body: { sessionTime: '18:00', amount: 150_000 } }

describe('seed 000: the payment call carries the token the chart validated or refreshed', () => {
  it('a payment call made right after validation, with a refresh in between, carries the refreshed token: 200', async () => {
    const first = harness.page({ storage: createMemoryStorage() })
    await first.auth.signIn(USER)
    const signedIn = heldSession(first.auth)
    expect(signedIn?.accessToken).toEqual(expect.any(String))
    first.auth.stop()
    await harness.clock.advance(8 * MINUTE + 50_000) // the user comes back 10 s before the refresh is due

    // The reload's validation is answered slowly ("loading spinner for a few seconds"); the
    // access token expires while it is out.
    const slowUser = emulator.gotrue.hold('user')
    const { supabase, auth } = harness.page({
      storage: first.storage,
      client: { retry: { requestTimeout: 5 * MINUTE } },
    })
    await slowUser.arrived
    expect(auth.getSnapshot().status).toBe('validating')
    await harness.clock.advance(75_000) // now past the token's expiry
    slowUser.release()

    // The payment page: wait for validation, then pay at once.
    await untilSnapshot(auth, (s) => s.status !== 'validating')
    const paid = emulator.gotrue.next((r) => r.op === 'function')
    const { data, error } = await supabase.functions.invoke('create-midtrans-token', booking)

    expect(error).toBeNull()
    expect(data).toMatchObject({ ok: true })
    const request = await paid
    const refreshed = heldSession(auth)?.accessToken
    expect(request.status).toBe(200)
    expect(request.bearer).toBe(refreshed)
    expect(request.bearer).not.toBe(signedIn?.accessToken)
    expect(emulator.gotrue.count('refresh')).toBe(1) // the refresh happened in between
  })

  it('replayed naively (validate, then read the token from the SDK), the same emulator sees a stale token: 401', async () => {
    const supabase = harness.naiveClient()
    const { data: signIn } = await supabase.auth.signInWithPassword(USER)
    const original = signIn.session
    expect(original).not.toBeNull()
    await harness.clock.advance(8 * MINUTE + 50_000)

    // AuthContext.validateSession(): getUser() is answered slowly, and succeeds.
    const slowUser = emulator.gotrue.hold('user')
    const validating = supabase.auth.getUser()
    await slowUser.arrived
    await harness.clock.advance(75_000)
    slowUser.release()
    const { data: validated } = await validating
    expect(validated.user?.email).toBe(USER.email)

    // AuthContext refreshes its own copy of the session; the SDK's storage keeps the old one.
    const response = await fetch(`${emulator.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { apikey: emulator.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: original?.refresh_token }),
    })
    const contextSession = (await response.json()) as { access_token: string }

    // PaymentPage.tsx: token from getSession(), then the edge function.
    const { data } = await supabase.auth.getSession()
    const token = data.session?.access_token
    const paid = emulator.gotrue.next((r) => r.op === 'function')
    const payment = await fetch(`${emulator.url}/functions/v1/create-midtrans-token`, {
      method: 'POST',
      headers: { apikey: emulator.anonKey, Authorization: `Bearer ${token}` },
      body: JSON.stringify(booking.body),
    })
    await payment.body?.cancel()

    const request = await paid
    expect(payment.status).toBe(401)
    expect(request.bearer).toBe(original?.access_token)
    expect(request.bearer).not.toBe(contextSession.access_token)
  })
})
