// One time source: every adapter call, and the adapter's subscription, read the clock given to
// `createAuthClient` through their context (`ctx.now`), not `Date`.
import {
  type AdapterSessionEvent,
  type AuthAdapter,
  createAuthClient,
  createMemoryStorage,
  type SessionInput,
  type TimeContext,
} from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { expect, it } from 'vitest'
import { HOUR, MINUTE } from '../fixtures/setupClient.js'

const TEN_YEARS = 10 * 365 * 24 * HOUR

function unsignedJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`
}

// A backend that answers `expires_in: 3600` and places it on whatever `now` the context gives.
function issue(now: number, serial: number): SessionInput {
  const iat = Math.floor(now / 1000)
  return {
    accessToken: unsignedJwt({ sub: 'ada', iat, exp: iat + 3_600, jti: `t${serial}` }),
    refreshToken: `rt-${serial}`,
    expiresAt: now + HOUR,
    user: { id: 'ada' },
  }
}

// The client's clock is ten years ahead of the machine's: an adapter reading `Date.now()` would
// place every expiry ten years in the past, and the chart would refuse the session.
function setup(clock = createFakeClock(Date.now() + TEN_YEARS), storage = createMemoryStorage()) {
  const readings: Array<{ call: string; now: number; clock: number }> = []
  let serial = 0
  let push: ((event: AdapterSessionEvent) => void) | undefined
  let subscription: TimeContext | undefined
  const read = (call: string, ctx: TimeContext) => {
    const now = ctx.now()
    readings.push({ call, now, clock: clock.now() })
    return now
  }
  const adapter: AuthAdapter<{ user: string }> = {
    name: 'clocked',
    async signIn(_credentials, ctx) {
      return issue(read('signIn', ctx), ++serial)
    },
    async refresh(_session, ctx) {
      return issue(read('refresh', ctx), ++serial)
    },
    async validate(_session, ctx) {
      read('validate', ctx)
    },
    async signOut(_session, ctx) {
      read('signOut', ctx)
    },
    async restore(ctx) {
      read('restore', ctx)
      return null
    },
    subscribe(listener, ctx) {
      push = listener
      subscription = ctx
      return () => undefined
    },
  }
  const auth = createAuthClient({ adapter, clock, storage, random: () => 0.5 }).start()
  const pushSession = () => {
    if (!push || !subscription) throw new Error('the client did not subscribe')
    push({ type: 'sessionChanged', session: issue(read('subscribe', subscription), ++serial) })
  }
  return { auth, clock, readings, pushSession }
}

it('every adapter call reads the client’s clock from its context, and expiry lands on that clock', async () => {
  const { auth, clock, readings, pushSession } = setup()
  await clock.flush()
  const start = clock.now()
  const info = await auth.signIn({ user: 'ada' })
  expect(info.expiresAt).toBe(start + HOUR)
  expect(auth.getSnapshot().status).toBe('authenticated')

  // The chart refreshes inside its margin; the new expiry is counted from the refresh's `now`.
  await clock.advance(HOUR - MINUTE)
  const refreshedAt = readings.find((r) => r.call === 'refresh')?.now
  expect(refreshedAt).toBeGreaterThan(start)
  expect(auth.getSnapshot().session?.expiresAt).toBe((refreshedAt ?? 0) + HOUR)

  await clock.advance(10 * MINUTE)
  pushSession()
  const pushedAt = readings.at(-1)?.now ?? 0
  expect(auth.getSnapshot().session?.expiresAt).toBe(pushedAt + HOUR)

  await auth.signOut()
  expect(readings.map((r) => r.call)).toEqual(['restore', 'signIn', 'refresh', 'subscribe', 'signOut'])
  // Each reading is the fake clock at the moment of the call, ten years from the machine's.
  for (const reading of readings) {
    expect(reading.now).toBe(reading.clock)
    expect(reading.now - Date.now()).toBeGreaterThan(TEN_YEARS - HOUR)
  }
})

it('a restored session is validated with the client’s clock in the context', async () => {
  const storage = createMemoryStorage()
  const first = setup(undefined, storage)
  await first.clock.flush()
  await first.auth.signIn({ user: 'ada' })
  first.auth.stop()
  const second = setup(first.clock, storage)
  await second.clock.flush()
  expect(second.auth.getSnapshot().status).toBe('authenticated')
  expect(second.readings.map((r) => r.call)).toEqual(['validate'])
  expect(second.readings[0]?.now).toBe(second.clock.now())
  second.auth.stop()
})

it('the fake adapter stamps its tokens on the client’s clock, with no clock of its own', async () => {
  const clock = createFakeClock(Date.now() + TEN_YEARS)
  const auth = createAuthClient({ adapter: createFakeAdapter(), clock, storage: createMemoryStorage() }).start()
  await clock.flush()
  const session = await auth.signIn({ email: 'ada@example.com', password: 'pw' })
  expect(session.claims.iat).toBe(Math.floor(clock.now() / 1000))
  expect(session.expiresAt).toBe(Math.floor(clock.now() / 1000) * 1000 + HOUR)
  auth.stop()
})
