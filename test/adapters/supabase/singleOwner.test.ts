// authchart is the single owner of the Supabase session: the SDK keeps no session, never calls the
// token endpoint on its own, and every data request carries the chart's token.
import { InvalidOptionsError } from 'authchart'
import { createSupabaseAdapter } from 'authchart/supabase'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSupabaseHarness, MINUTE, USER, untilSnapshot } from '../../fixtures/supabase/setupSupabase.js'
import { type SupabaseEmulator, startSupabaseEmulator } from '../../fixtures/supabase/startSupabaseEmulator.js'
import { heldSession } from '../../fixtures/heldSession.js'

let emulator: SupabaseEmulator
let harness: ReturnType<typeof createSupabaseHarness>

beforeAll(async () => {
  emulator = await startSupabaseEmulator({ accessTokenTtl: 600 })
})
afterAll(() => emulator.close())
afterEach(() => harness.cleanup())

// Tokens issued on this clock have an `expires_at` 60 s ahead of real time, inside supabase-js's
// 90 s margin: any copy the SDK kept would be refreshed by the SDK the moment it read it.
const nineMinutesAgo = () => Date.now() - 9 * MINUTE

describe('single owner of refresh', () => {
  it('the SDK never calls the token endpoint on its own, and every PostgREST and functions call carries the chart token', async () => {
    harness = createSupabaseHarness(emulator, { start: nineMinutesAgo() })
    const { supabase, auth } = harness.page()
    await auth.signIn(USER)
    const tokens: string[] = []

    for (let round = 0; round < 3; round += 1) {
      const token = await auth.getToken()
      tokens.push(token)
      const rest = emulator.gotrue.next((r) => r.op === 'rest')
      const { data: rows, error } = await supabase.from('bookings').select()
      expect(error).toBeNull()
      expect(rows).toEqual([{ id: 1, owner: 'user-1' }])
      expect((await rest).bearer).toBe(token)
      const fn = emulator.gotrue.next((r) => r.op === 'function')
      await supabase.functions.invoke('create-midtrans-token', { body: { round } })
      expect((await fn).bearer).toBe(token)
      // The SDK has nothing of its own to hand out or to refresh.
      expect((await supabase.auth.getSession()).data.session).toBeNull()

      await harness.clock.advance(9 * MINUTE + 1_000) // the chart's refresh falls due
      await untilSnapshot(auth, (s) => s.status === 'authenticated' && heldSession(auth)?.accessToken !== token)
    }

    expect(new Set(tokens).size).toBe(3)
    expect(emulator.gotrue.count('refresh')).toBe(3) // the chart's three, and no other
    expect(emulator.gotrue.requests.filter((r) => r.op === 'refresh').every((r) => r.status === 200)).toBe(true)
  })

  it('a client made with autoRefreshToken and persistSession off still refreshes on its own, spending a rotated token', async () => {
    harness = createSupabaseHarness(emulator, { start: nineMinutesAgo() })
    const supabase = harness.naiveClient({ autoRefreshToken: false, persistSession: false })
    expect(() => createSupabaseAdapter(supabase)).toThrow(InvalidOptionsError)

    // What a chart driving this client would do: sign in through the SDK, then rotate.
    const { data } = await supabase.auth.signInWithPassword(USER)
    const rotated = await fetch(`${emulator.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { apikey: emulator.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: data.session?.refresh_token }),
    })
    expect(rotated.status).toBe(200)
    await rotated.body?.cancel()

    // A plain data call: supabase-js reads its in-memory copy, finds it expiring, and refreshes.
    const sdkRefresh = emulator.gotrue.next((r) => r.op === 'refresh')
    await supabase.from('bookings').select()
    const request = await sdkRefresh
    expect(request.status).toBe(400) // the spent token: GoTrue revokes the whole session
    expect(emulator.gotrue.count('refresh')).toBe(2)
  })
})
