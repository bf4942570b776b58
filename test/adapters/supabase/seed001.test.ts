// Seed 001: after a reload, session restore threw inside a swallowing catch, realtime's setAuth()
// was never called and the socket joined with the anon key. Replayed against the real supabase-js
// client and a realtime websocket emulator that records the token of every join.
import { createMemoryStorage, type SessionStorage } from 'authchart'
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

/** Signs in on a first page load and returns the storage a reload would find. */
async function signedInEarlier(): Promise<{ storage: SessionStorage; token: string }> {
  const first = harness.page({ storage: createMemoryStorage() })
  await first.auth.signIn(USER)
  const token = await first.auth.getToken()
  first.auth.stop()
  return { storage: first.storage, token }
}

describe('seed 001: realtime joins with the user JWT, never the anon key', () => {
  it('after a reload-style restore, the first join carries the restored user JWT', async () => {
    const { storage, token } = await signedInEarlier()
    const { supabase, auth } = harness.page({ storage })
    const joined = emulator.realtime.next((e) => e.kind === 'join')

    // The app subscribes as soon as it knows who the user is, as docs/adapters/supabase.md shows.
    await untilSnapshot(auth, (s) => s.status === 'authenticated')
    supabase.channel('private:songs', { config: { private: true } }).subscribe()

    const join = await joined
    expect(join.accessToken).toBe(token)
    expect(join.effectiveToken).toBe(token)
    expect(join.accepted).toBe(true)
    expect(emulator.realtime.joins).toHaveLength(1)
    expect(emulator.gotrue.count('user')).toBe(1) // the restored session was validated first
  })

  it('a channel subscribed before the restore settled rejoins with the user JWT once the chart has it', async () => {
    const { storage, token } = await signedInEarlier()
    const { supabase } = harness.page({ storage })
    const accepted = emulator.realtime.next((e) => e.kind === 'join' && e.accepted)
    // Not the documented pattern: realtime-js fixes a join's payload at subscribe() time, before
    // the chart has restored anything. The first join carries no token; phoenix rejoins the
    // errored channel with the payload the sink has updated since.
    supabase.channel('private:eager', { config: { private: true } }).subscribe()
    const join = await accepted
    expect(join.accessToken).toBe(token)
    expect(emulator.realtime.joins.map((j) => j.accessToken)).not.toContain(emulator.anonKey)
  })

  it('after a refresh, the joined channel gets an access_token push and a rejoin carries the new token', async () => {
    const { storage, token } = await signedInEarlier()
    const { supabase, auth } = harness.page({ storage })
    await untilSnapshot(auth, (s) => s.status === 'authenticated')
    const subscribed = new Promise<void>((resolve) => {
      supabase.channel('private:setlists', { config: { private: true } }).subscribe((status) => {
        if (status === 'SUBSCRIBED') resolve()
      })
    })
    await subscribed

    const pushed = emulator.realtime.next((e) => e.kind === 'access_token')
    await harness.clock.advance(9 * MINUTE + 1_000) // the refresh falls due and goes out
    await untilSnapshot(auth, (s) => s.status === 'authenticated' && heldSession(auth)?.accessToken !== token)
    const refreshed = heldSession(auth)?.accessToken
    expect(refreshed).toBeDefined()
    expect((await pushed).accessToken).toBe(refreshed)

    // A reconnect (network change, laptop lid): phoenix rejoins the channel by itself.
    const rejoined = emulator.realtime.next((e) => e.kind === 'join')
    emulator.realtime.dropConnections()
    const rejoin = await rejoined
    expect(rejoin.topic).toBe('realtime:private:setlists')
    expect(rejoin.accessToken).toBe(refreshed)
    expect(rejoin.accepted).toBe(true)
    expect(emulator.realtime.events.map((e) => e.effectiveToken)).not.toContain(emulator.anonKey)
  })

  it('a restore that throws lands in snapshot.error, and the socket is not joined with the anon key', async () => {
    const errors: unknown[] = []
    const { supabase, auth } = harness.page({
      adapter: {
        importSession: () => {
          // The seed's bug, verbatim: a method that does not exist.
          throw new TypeError('SessionManager.getSession is not a function')
        },
      },
    })
    auth.on('error', ({ error }) => errors.push(error))
    // The documented app wiring: channels are joined when the chart says who the user is.
    const stop = auth.subscribe((snapshot) => {
      if (snapshot.status !== 'authenticated') return
      stop()
      supabase.channel('private:shows', { config: { private: true } }).subscribe()
    })

    const snapshot = await untilSnapshot(auth, (s) => s.status === 'unauthenticated')
    expect(snapshot.error?.message).toContain('SessionManager.getSession is not a function')
    expect(errors).toEqual([snapshot.error])

    // The user signs in again; the first join the server ever sees carries the user JWT.
    const joined = emulator.realtime.next((e) => e.kind === 'join')
    await auth.signIn(USER)
    const join = await joined
    expect(join.effectiveToken).toBe(await auth.getToken())
    expect(emulator.realtime.joins).toHaveLength(1)
    expect(emulator.realtime.connections).toHaveLength(1)
  })

  it('replayed without authchart, the swallowed restore failure makes the socket join with the anon key', async () => {
    const supabase = harness.naiveClient()
    const restoreSession = (): string => {
      throw new TypeError('SessionManager.getSession is not a function')
    }
    const swallowed: unknown[] = []
    try {
      supabase.realtime.setAuth(restoreSession())
    } catch (error) {
      // The seed's AuthContext: the failure goes to a console nobody reads, and the app carries on.
      swallowed.push(error)
    }
    expect(swallowed).toHaveLength(1)
    const joined = emulator.realtime.next((e) => e.kind === 'join')
    supabase.channel('private:songs', { config: { private: true } }).subscribe()
    const join = await joined
    expect(join.effectiveToken).toBe(emulator.anonKey)
    expect(join.accepted).toBe(false)
  })
})
