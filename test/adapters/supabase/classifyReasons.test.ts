// The Supabase adapter's classify reads GoTrue's error codes into authchart's rejection reasons.
// Each refusal is provoked on the GoTrue emulator (which answers with GoTrue's real codes, in the
// body format of the API version asked for) and classified twice: as supabase-js reports it
// (`AuthApiError`), and as the adapter's own refresh reports it (`AdapterError`).
import { parseSession, type Session } from 'authchart'
import { classifySupabaseError, createSupabaseAdapter } from 'authchart/supabase'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSupabaseHarness, USER } from '../../fixtures/supabase/setupSupabase.js'
import { type SupabaseEmulator, startSupabaseEmulator } from '../../fixtures/supabase/startSupabaseEmulator.js'

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

const context = () => ({ signal: new AbortController().signal, now: () => harness.clock.now(), force: false })

async function signIn() {
  const supabase = harness.naiveClient()
  const { data, error } = await supabase.auth.signInWithPassword(USER)
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`)
  return { supabase, refreshToken: data.session.refresh_token, accessToken: data.session.access_token }
}

/** What supabase-js and the adapter each report for a refresh with `refreshToken`. */
async function refused(refreshToken: string) {
  const supabase = harness.naiveClient()
  const { error: sdkError } = await supabase.auth.refreshSession({ refresh_token: refreshToken })
  expect(sdkError?.name).toBe('AuthApiError')
  const adapter = createSupabaseAdapter(harness.page().supabase)
  const session: Session = parseSession({ accessToken: (await signIn()).accessToken, refreshToken }, 'test session')
  const adapterError = await adapter.refresh(session, context()).then(
    () => {
      throw new Error('the refresh was not refused')
    },
    (e: unknown) => e,
  )
  return { sdk: classifySupabaseError(sdkError), adapter: adapter.classify?.(adapterError), sdkError, adapterError }
}

/** One rotation through GoTrue, as any client does it. */
async function rotate(refreshToken: string): Promise<string> {
  const { data, error } = await harness.naiveClient().auth.refreshSession({ refresh_token: refreshToken })
  if (error || !data.session) throw new Error(`refresh failed: ${error?.message}`)
  return data.session.refresh_token
}

describe("GoTrue's refusals", () => {
  it('refresh_token_already_used is token_reused, and the session revoked by it answers the same', async () => {
    const { refreshToken: first } = await signIn()
    const second = await rotate(first)
    const third = await rotate(second)
    // Two generations back and past GoTrue's 10 s reuse interval: reuse whatever GoTrue's settings.
    await harness.clock.advance(11_000)
    const reuse = await refused(first)
    expect(reuse.sdkError).toMatchObject({ status: 400, code: 'refresh_token_already_used' })
    expect(reuse.sdk).toEqual({ kind: 'rejected', reason: 'token_reused' })
    expect(reuse.adapter).toEqual({ kind: 'rejected', reason: 'token_reused' })
    expect(String(reuse.adapterError)).toMatch(/rejected, token_reused/)
    expect((await refused(third)).adapter).toEqual({ kind: 'rejected', reason: 'token_reused' })
  })

  it('refresh_token_not_found is refresh_token_unknown: never issued, or deleted with a signed-out session', async () => {
    const unknown = await refused('rt-never-issued')
    expect(unknown.sdkError).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
    expect(unknown.sdk).toEqual({ kind: 'rejected', reason: 'refresh_token_unknown' })
    expect(unknown.adapter).toEqual({ kind: 'rejected', reason: 'refresh_token_unknown' })

    const { refreshToken } = await signIn()
    emulator.gotrue.revokeUser(USER.email)
    expect((await refused(refreshToken)).adapter).toEqual({ kind: 'rejected', reason: 'refresh_token_unknown' })
  })

  it('session_expired is a rejection with no reason of its own', async () => {
    const { refreshToken } = await signIn()
    emulator.gotrue.expireRefreshTokens()
    const expired = await refused(refreshToken)
    expect(expired.sdkError).toMatchObject({ status: 400, code: 'session_expired' })
    expect(expired.sdk).toBe('rejected')
    expect(expired.adapter).toBe('rejected')
  })

  it('session_not_found is family_revoked: raw from GoTrue, and as supabase-js reports it on validation', async () => {
    // The adapter's own refresh reads GoTrue's body: its `session_not_found` ("No Valid Session").
    expect(classifySupabaseError({ status: 400, code: 'session_not_found' })).toEqual({
      kind: 'rejected',
      reason: 'family_revoked',
    })
    const { accessToken, refreshToken } = await signIn()
    emulator.gotrue.revokeUser(USER.email)
    const adapter = createSupabaseAdapter(harness.page().supabase)
    const session = parseSession({ accessToken, refreshToken }, 'test session')
    const error = await adapter.validate?.(session, context()).then(
      () => {
        throw new Error('the validation was not refused')
      },
      (e: unknown) => e,
    )
    // GoTrue answered 403 session_not_found; supabase-js turns it into AuthSessionMissingError.
    expect(emulator.gotrue.requests.at(-1)).toMatchObject({ op: 'user', status: 403 })
    expect(error).toMatchObject({ name: 'AuthSessionMissingError' })
    expect(adapter.classify?.(error)).toEqual({ kind: 'rejected', reason: 'family_revoked' })
  })

  it('an injected 503 stays transient whatever its body says', async () => {
    const { refreshToken } = await signIn()
    emulator.gotrue.fail('refresh', 503)
    const { error } = await harness.naiveClient().auth.refreshSession({ refresh_token: refreshToken })
    expect(classifySupabaseError(error)).toBe('transient')
  })
})
