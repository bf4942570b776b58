import {
  AdapterError,
  type AuthAdapter,
  type AuthError,
  createAuthClient,
  createMemoryStorage,
  defaultClassify,
  InvalidOptionsError,
  InvalidSessionError,
  SessionExpiredError,
  type SessionStorage,
  toAdapterError,
} from 'authchart'
import {
  createFakeAdapter,
  createFakeClock,
  FakeAuthError,
  type FakeClock,
  type FakeCredentials,
} from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE, setupClient, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: Record<string, unknown>) => `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`

function collectErrors(auth: { on(type: 'error', l: (e: { error: AuthError }) => void): () => void }) {
  const errors: AuthError[] = []
  auth.on('error', ({ error }) => errors.push(error))
  return errors
}

// A session signed in and stored by one page, for the next page load to restore.
async function storedSession() {
  const clock = createFakeClock()
  const fake = createFakeAdapter({ clock })
  const storage = createMemoryStorage()
  const first = createAuthClient({ adapter: fake, clock, storage }).start()
  await clock.flush()
  await first.signIn(credentials)
  first.stop()
  return { clock, fake, storage }
}

async function reload(adapter: AuthAdapter<FakeCredentials>, clock: FakeClock, storage: SessionStorage) {
  const auth = createAuthClient({ adapter, clock, storage })
  const errors = collectErrors(auth)
  auth.start()
  await clock.flush()
  return { auth, errors }
}

describe('nothing swallowed, even when the chart recovers', () => {
  it('a validate that throws a TypeError on restore is reported, never treated as a rejection', async () => {
    const { clock, fake, storage } = await storedSession()
    const broken: AuthAdapter = {
      ...fake,
      name: 'broken-validate',
      classify: () => 'rejected', // a classify that calls everything a rejection
      validate: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'user')")
      },
    }
    const { auth, errors } = await reload(broken, clock, storage)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(fake.calls.refresh).toBe(0)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AdapterError)
    expect(errors[0]?.kind).toBe('transient')
    expect(errors[0]?.message).toContain('reading')
    expect(auth.getSnapshot().error).toBe(errors[0])
  })

  it('a rejected validation that the chart recovers from by refreshing is still emitted', async () => {
    const { clock, fake, storage } = await storedSession()
    fake.enqueue('validate', 'rejected')
    const { auth, errors } = await reload(fake, clock, storage)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(fake.calls.refresh).toBe(1)
    expect(errors.map((e) => e.code)).toEqual(['validate_rejected'])
  })

  it('toAdapterError: a programming error is transient whatever classify says; a bad answer from classify is transient and says so', () => {
    expect(toAdapterError('refresh', new ReferenceError('x is not defined'), () => 'rejected').kind).toBe('transient')
    expect(toAdapterError('refresh', new RangeError('bad'), () => 'rejected').kind).toBe('transient')
    const odd = toAdapterError('refresh', { status: 401 }, () => 'nope' as never)
    expect(odd.kind).toBe('transient')
    expect(odd.message).toContain('not a classification')
    const reasoned = toAdapterError('refresh', { status: 400 }, () => ({ kind: 'rejected', reason: 'token_reused' }))
    expect(reasoned).toBeInstanceOf(AdapterError)
    expect((reasoned as AdapterError).reason).toBe('token_reused')
    expect(reasoned.kind).toBe('rejected')
  })

  it('defaultClassify: a raw 401, 403 or invalid_grant is rejected; 5xx, 429 and errors are transient', () => {
    expect(defaultClassify({ status: 401 })).toBe('rejected')
    expect(defaultClassify({ statusCode: 403 })).toBe('rejected')
    expect(defaultClassify({ status: 400, error: 'invalid_grant' })).toBe('rejected')
    expect(defaultClassify({ status: 400, code: 'invalid_grant' })).toBe('rejected')
    expect(defaultClassify({ status: 503 })).toBe('transient')
    expect(defaultClassify({ status: 429 })).toBe('transient')
    expect(defaultClassify(new TypeError('fetch failed'))).toBe('transient')
    expect(defaultClassify(new Error('boom'))).toBe('transient')
  })
})

describe('reasons as codes', () => {
  it('reuse, revocation and an unknown token end with their own reason, the token age and the store-loss flag', async () => {
    const { auth, adapter, clock } = await signedIn({ adapter: { accessTokenTtl: HOUR } })
    const rejected: Array<{ reason: string; tokenAge: number | null; suspected: boolean }> = []
    auth.on('refreshRejected', ({ error, tokenAge }) =>
      rejected.push({ reason: error.reason, tokenAge, suspected: error.suspectedStoreLoss }),
    )
    await clock.advance(10 * MINUTE)
    adapter.forgetRefreshTokens()
    await expect(auth.refresh({ force: true })).rejects.toBeInstanceOf(SessionExpiredError)
    const error = auth.getSnapshot().error as SessionExpiredError
    expect(error.reason).toBe('refresh_token_unknown')
    expect(error.suspectedStoreLoss).toBe(true)
    expect(error.tokenAge).toBe(10 * MINUTE)
    expect(rejected).toEqual([{ reason: 'refresh_token_unknown', tokenAge: 10 * MINUTE, suspected: true }])
  })

  it('an unknown refresh token older than the adapter says tokens live is not a suspected store loss', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock, accessTokenTtl: 24 * HOUR })
    const adapter: AuthAdapter = { ...fake, name: 'short-lived-refresh', refreshTokenLifetime: 5 * MINUTE }
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()
    await clock.flush()
    await auth.signIn(credentials)
    await clock.advance(10 * MINUTE)
    fake.forgetRefreshTokens()
    await auth.refresh({ force: true }).catch(() => undefined)
    const error = auth.getSnapshot().error as SessionExpiredError
    expect(error.reason).toBe('refresh_token_unknown')
    expect(error.suspectedStoreLoss).toBe(false)
  })

  it('a reused refresh token ends as token_reused, then the revoked family as family_revoked', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const storage = createMemoryStorage()
    const a = createAuthClient({ adapter: fake, clock, storage, tabs: false }).start()
    await clock.flush()
    await a.signIn(credentials)
    // A copy of the session that another device kept: its refresh token is spent once `a` rotates.
    const b = createAuthClient({
      adapter: fake,
      clock,
      storage: createMemoryStorage({ ...snapshotOf(storage) }),
      tabs: false,
    }).start()
    await clock.flush()
    await a.refresh({ force: true })
    await b.refresh({ force: true }).catch(() => undefined)
    expect((b.getSnapshot().error as SessionExpiredError).reason).toBe('token_reused')
    await a.refresh({ force: true }).catch(() => undefined)
    expect((a.getSnapshot().error as SessionExpiredError).reason).toBe('family_revoked')
  })

  it('an adapter rejection without a reason is the generic refresh_rejected', async () => {
    const { auth, adapter } = await signedIn()
    adapter.enqueue('refresh', 'rejected')
    await auth.refresh({ force: true }).catch(() => undefined)
    expect((auth.getSnapshot().error as SessionExpiredError).reason).toBe('refresh_rejected')
  })

  it('FakeAuthError carries its reason only on rejections', () => {
    expect(new FakeAuthError('transient', 'x', 'token_reused').reason).toBeUndefined()
  })
})

function snapshotOf(storage: ReturnType<typeof createMemoryStorage>): Record<string, string> {
  const raw = storage.getItem('authchart.session') as string | null
  return raw === null ? {} : { 'authchart.session': raw }
}

describe('checked inputs', () => {
  const bad = {
    'huge exp': () => jwt({ sub: 'u1', exp: 1e308 }),
    'finite but unrepresentable exp': () => jwt({ sub: 'u1', exp: 1e300 }),
    'negative exp': () => jwt({ sub: 'u1', exp: -5 }),
  }
  for (const [what, token] of Object.entries(bad)) {
    it(`a sign-in answer with a ${what} is an InvalidSessionError and nothing is held`, async () => {
      const { auth, adapter, clock, storage } = setupClient()
      await clock.flush()
      adapter.enqueue('signIn', { response: { accessToken: token(), refreshToken: 'r1' } })
      await expect(auth.signIn(credentials)).rejects.toBeInstanceOf(InvalidSessionError)
      expect(auth.getSnapshot().status).toBe('unauthenticated')
      expect(storage.getItem('authchart.session')).toBeNull()
    })
  }

  it('a sign-in answer already past expiry is refused, naming the times', async () => {
    const { auth, adapter, clock } = setupClient()
    await clock.flush()
    const past = Math.floor(clock.now() / 1000) - 60
    adapter.enqueue('signIn', { response: { accessToken: jwt({ sub: 'u1', exp: past }), refreshToken: 'r1' } })
    const error = await auth.signIn(credentials).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as InvalidSessionError).field).toBe('expiresAt')
    expect((error as Error).message).toMatch(/expired 60 s before it arrived/)
  })

  it('a refresh answer past expiry keeps the held session and is retried as transient', async () => {
    const { auth, adapter, clock } = await signedIn()
    const before = await auth.getToken()
    const past = Math.floor(clock.now() / 1000) - 1
    adapter.enqueue('refresh', { response: { accessToken: jwt({ sub: 'u1', exp: past }), refreshToken: 'r9' } })
    const errors = collectErrors(auth)
    await expect(auth.refresh({ force: true })).rejects.toBeInstanceOf(InvalidSessionError)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(await auth.getToken()).toBe(before)
    expect(errors.some((e) => e instanceof InvalidSessionError)).toBe(true)
  })

  it('with no refresh token and an adapter that needs one, refresh() fails while the token is good, and when due it ends with no request (no_refresh_token)', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock, accessTokenTtl: HOUR })
    const adapter: AuthAdapter<FakeCredentials> = {
      ...fake,
      name: 'no-refresh-token',
      signIn: async (c, ctx) => ({ ...(await fake.signIn(c, ctx)), refreshToken: undefined }),
    }
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    expect(auth.getSnapshot().session?.refreshable).toBe(false)
    // Not due yet: the call fails, the still-valid session stays.
    const refused = settle(auth.refresh({ force: true }))
    await clock.flush()
    expect(rejected(refused)).toBeInstanceOf(InvalidOptionsError)
    expect((refused.reason as Error).message).toMatch(/no refresh token/)
    expect(auth.getSnapshot().status).toBe('authenticated')
    const held = settle(auth.getToken())
    await clock.flush()
    const token = fulfilled(held)
    // Due: nothing can renew it, so it ends without a request.
    await clock.advance(HOUR - MINUTE / 2)
    expect(auth.getSnapshot().status).toBe('expired')
    expect((auth.getSnapshot().error as SessionExpiredError).reason).toBe('no_refresh_token')
    expect(fake.calls.refresh).toBe(0)
    const expired = settle(auth.getToken())
    await clock.flush()
    expect(rejected(expired)).toBeInstanceOf(SessionExpiredError)
    expect(token).toMatch(/^eyJ/)
  })

  it('a tokenless session that comes due ends without a request, and one that may refresh without a token does refresh', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock, accessTokenTtl: HOUR })
    const tokenless = (refreshesWithoutToken: boolean): AuthAdapter<FakeCredentials> => ({
      ...fake,
      name: 'tokenless',
      refreshesWithoutToken,
      signIn: async (c, ctx) => ({ ...(await fake.signIn(c, ctx)), refreshToken: undefined }),
      refresh: async (s, ctx) => fake.signIn(credentials, ctx),
    })
    const strict = createAuthClient({ adapter: tokenless(false), clock, storage: createMemoryStorage() }).start()
    await clock.flush()
    await strict.signIn(credentials)
    await clock.advance(HOUR - MINUTE / 2)
    expect(strict.getSnapshot().status).toBe('expired')
    expect(fake.calls.signIn).toBe(1)

    const cookie = createAuthClient({ adapter: tokenless(true), clock, storage: createMemoryStorage() }).start()
    await clock.flush()
    await cookie.signIn(credentials)
    await clock.advance(HOUR - MINUTE / 2)
    expect(cookie.getSnapshot().status).toBe('authenticated')
    expect(fake.calls.signIn).toBe(3)
  })
})

describe('bounded retries', () => {
  function retryAfterAdapter(retryAfterMs: number) {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock, accessTokenTtl: HOUR })
    let failures = 1
    const adapter: AuthAdapter = {
      ...fake,
      name: 'retry-after',
      refresh: async (s, ctx) => {
        if (failures-- > 0) throw Object.assign(new Error('429 Too Many Requests'), { status: 429, retryAfterMs })
        return fake.refresh(s, ctx)
      },
    }
    return { clock, fake, adapter }
  }

  it('a Retry-After of 24 hours is honoured only up to retry.maxRetryAfter (5 minutes by default)', async () => {
    const { clock, fake, adapter } = retryAfterAdapter(24 * HOUR)
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    await auth.signIn(credentials)
    await clock.advance(HOUR - MINUTE) // due: the refresh gets a 429
    expect(auth.getSnapshot().error?.code).toBe('refresh_transient')
    const refreshed = fake.calls.refresh
    await clock.advance(5 * MINUTE - 1_000)
    expect(fake.calls.refresh).toBe(refreshed)
    await clock.advance(2_000)
    expect(fake.calls.refresh).toBe(refreshed + 1)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('no event cuts the Retry-After short: visible, online and refresh() all wait for it', async () => {
    const { clock, fake, adapter } = retryAfterAdapter(20_000)
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    await auth.signIn(credentials)
    // Not due: a forced refresh gets the 429 and the chart goes back to authenticated.
    await expect(auth.refresh({ force: true })).rejects.toBeInstanceOf(AdapterError)
    const after429 = fake.calls.refresh
    auth.notify('visible')
    auth.notify('online')
    const again = auth.refresh({ force: true })
    auth.notify('wake')
    await clock.advance(19_000)
    expect(fake.calls.refresh).toBe(after429)
    await clock.advance(1_000)
    await expect(again).resolves.toMatchObject({ user: { email: credentials.email } })
    expect(fake.calls.refresh).toBe(after429 + 1)
  })

  it('a device that slept past the backoff retries as soon as it wakes', async () => {
    const { clock, fake, adapter } = retryAfterAdapter(2 * MINUTE)
    const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
    await clock.flush()
    await auth.signIn(credentials)
    await clock.advance(HOUR - MINUTE) // due: 429, backing off for 2 minutes
    const failed = fake.calls.refresh
    clock.jump(3 * MINUTE)
    auth.notify('wake')
    await clock.flush()
    expect(fake.calls.refresh).toBe(failed + 1)
  })
})
