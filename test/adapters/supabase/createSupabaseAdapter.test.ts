// The adapter's own contract: classification, parsing, credentials, the AbortSignal, and the
// refusal of a client that would own the session too.
import { createClient } from '@supabase/supabase-js'
import { InvalidOptionsError, InvalidSessionError } from 'authchart'
import {
  classifySupabaseError,
  createRealtimeSink,
  createSupabaseAdapter,
  createSupabaseClientOptions,
  parseGoTrueSession,
} from 'authchart/supabase'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
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

describe('classifySupabaseError', () => {
  it.each([
    [
      '400 refresh_token_not_found',
      { name: 'AuthApiError', status: 400, code: 'refresh_token_not_found' },
      { kind: 'rejected', reason: 'refresh_token_unknown' },
    ],
    ['401 bad_jwt', { name: 'AuthApiError', status: 401, code: 'bad_jwt' }, 'rejected'],
    [
      'AuthSessionMissingError',
      { name: 'AuthSessionMissingError', status: 400 },
      { kind: 'rejected', reason: 'family_revoked' },
    ],
    [
      '403 session_not_found',
      { status: 403, code: 'session_not_found' },
      { kind: 'rejected', reason: 'family_revoked' },
    ],
    ['422', { status: 422, code: 'validation_failed' }, 'rejected'],
    ['invalid_grant', { error: 'invalid_grant' }, 'rejected'],
    ['a network failure', { name: 'AuthRetryableFetchError', status: 0 }, 'transient'],
    ['503', { name: 'AuthRetryableFetchError', status: 503 }, 'transient'],
    ['500', { name: 'AuthApiError', status: 500 }, 'transient'],
    ['429', { status: 429 }, 'transient'],
    ['408', { status: 408 }, 'transient'],
    ['fetch failed', new TypeError('fetch failed'), 'transient'],
    ['an abort', new DOMException('aborted', 'AbortError'), 'transient'],
  ])('%s', (_label, error, kind) => {
    expect(classifySupabaseError(error)).toEqual(kind)
  })
})

describe('parseGoTrueSession', () => {
  const user = { id: 'u1', email: 'ada@example.com' }

  it('counts expires_in from arrival, and falls back to expires_at', () => {
    const raw = { access_token: 'a', refresh_token: 'r', expires_in: 3600, expires_at: 1, user }
    expect(parseGoTrueSession(raw, 'answer', 5_000).expiresAt).toBe(5_000 + 3_600_000)
    expect(parseGoTrueSession(raw, 'stored', undefined).expiresAt).toBe(1_000)
  })

  it.each([
    [null, 'session'],
    [{ refresh_token: 'r', expires_in: 1, user }, 'access_token'],
    [{ access_token: 'a', refresh_token: 'r', expires_in: -1, user }, 'expires_in'],
    [{ access_token: 'a', refresh_token: 'r', expires_in: 1, user: { email: 'x' } }, 'user.id'],
  ])('rejects %o naming %s', (raw, field) => {
    expect(() => parseGoTrueSession(raw, 'answer', 0)).toThrow(InvalidSessionError)
    try {
      parseGoTrueSession(raw, 'answer', 0)
    } catch (error) {
      expect((error as InvalidSessionError).field).toBe(field)
    }
  })
})

describe('createSupabaseAdapter', () => {
  it('refuses a client that would refresh or keep sessions on its own', () => {
    const realtime = { transport: WebSocket as never }
    const plain = createClient(emulator.url, emulator.anonKey, { auth: { autoRefreshToken: false }, realtime })
    expect(() => createSupabaseAdapter(plain)).toThrow(InvalidOptionsError)
    const recommended = createClient(emulator.url, emulator.anonKey, {
      ...createSupabaseClientOptions(() => {
        throw new Error('not used')
      }),
      realtime,
    })
    expect(createSupabaseAdapter(recommended).name).toBe('supabase')
  })

  it('signs in with phone and password, an OTP and an id token through the same typed credentials', async () => {
    emulator.gotrue.addUser('+15550100', 'pin-1234')
    emulator.gotrue.addOtp(USER.email, '123456')
    emulator.gotrue.addIdToken('google-id-token', USER.email)
    const { auth } = harness.page()

    const byPhone = await auth.signIn({ phone: '+15550100', password: 'pin-1234' })
    expect(byPhone.user.id).toBe(byPhone.claims.sub)
    const held = heldSession(auth)
    await expect(auth.signIn({ phone: '+15550100', password: 'wrong' })).rejects.toMatchObject({ kind: 'rejected' })
    expect(heldSession(auth)).toBe(held) // a failed sign-in keeps the held session
    expect(auth.getSnapshot().session).toEqual(byPhone)

    const byOtp = await auth.signIn({ email: USER.email, token: '123456', type: 'email' })
    expect(byOtp.user.email).toBe(USER.email)
    await expect(auth.signIn({ email: USER.email, token: '123456', type: 'email' })).rejects.toMatchObject({
      kind: 'rejected',
    })

    const byIdToken = await auth.signIn({ provider: 'google', token: 'google-id-token' })
    expect(byIdToken.user.email).toBe(USER.email)
    expect(emulator.gotrue.requests.map((r) => `${r.op}:${r.status}`)).toEqual([
      'password:200',
      'password:400',
      'verify:200',
      'verify:403',
      'idToken:200',
    ])
  })

  it('places expires_in on the client’s clock (ten years ahead of the machine’s), at sign-in and refresh', async () => {
    harness = createSupabaseHarness(emulator, { start: Date.now() + 10 * 365 * 86_400_000 })
    const { auth } = harness.page()
    await harness.clock.flush()
    const signedIn = await auth.signIn(USER)
    expect(signedIn.expiresAt).toBe(harness.clock.now() + 600_000)
    await harness.clock.advance(MINUTE)
    const refreshed = await auth.refresh({ force: true })
    expect(refreshed.expiresAt).toBe(harness.clock.now() + 600_000)
    expect(refreshed.expiresAt - signedIn.expiresAt).toBe(MINUTE)
  })

  it('a leftover clock option is an InvalidOptionsError that names the replacement', () => {
    const { supabase } = harness.page()
    const options = { clock: { now: () => Date.now() } } as never
    expect(() => createSupabaseAdapter(supabase, options)).toThrow(InvalidOptionsError)
    expect(() => createSupabaseAdapter(supabase, options)).toThrow(
      /clock option was removed.*pass clock to createAuthClient/,
    )
  })

  it('honours the AbortSignal: an aborted call rejects at once and its answer is dropped', async () => {
    const { supabase } = harness.page()
    const adapter = createSupabaseAdapter(supabase)
    const controller = new AbortController()
    const slow = emulator.gotrue.hold('password')
    const signingIn = adapter.signIn(USER, { signal: controller.signal, now: () => harness.clock.now() })
    await slow.arrived
    controller.abort(new DOMException('signed out', 'AbortError'))
    await expect(signingIn).rejects.toMatchObject({ name: 'AbortError' })
    slow.release()
    await expect(
      adapter.signIn(USER, { signal: controller.signal, now: () => harness.clock.now() }),
    ).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('the realtime sink holds each token before any subscriber sees it, and realtime asks the chart, not the SDK', async () => {
    const { supabase, auth } = harness.page()
    const mismatches: string[] = []
    auth.subscribe((snapshot) => {
      // The snapshot carries no token: the chart's, as the listener runs, is the one it shows.
      const expected = snapshot.status === 'authenticated' ? heldSession(auth)?.accessToken : undefined
      if (expected !== undefined && supabase.realtime.accessTokenValue !== expected) mismatches.push(snapshot.status)
    })
    await auth.signIn(USER)
    await untilSnapshot(auth, (s) => s.status === 'authenticated')
    const token = await auth.getToken()
    expect(supabase.realtime.accessTokenValue).toBe(token)
    // What realtime-js does on every heartbeat and after each join: ask its callback.
    await supabase.realtime.setAuth()
    expect(supabase.realtime.accessTokenValue).toBe(token)
    expect(mismatches).toEqual([])

    await auth.signOut()
    await supabase.realtime.setAuth()
    expect(supabase.realtime.accessTokenValue).toBeNull()
  })

  it('a realtime sink on a bare target is called with the current token at once', async () => {
    const target = {
      accessToken: null as (() => Promise<string | null>) | null,
      tokens: [] as Array<string | null | undefined>,
      async setAuth(token?: string | null) {
        this.tokens.push(token)
      },
    }
    const sink = createRealtimeSink(target)
    await sink('t1')
    expect(await target.accessToken?.()).toBe('t1')
    await sink(null)
    expect(await target.accessToken?.()).toBeNull()
    expect(target.tokens).toEqual(['t1', null])
  })
})
