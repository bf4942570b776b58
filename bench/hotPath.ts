// 1. Hot path: getToken() while a valid session is held, against Promise.resolve and auth-js
// getSession() on an in-memory storage holding a valid session. The headline client runs on the
// default clock, so the one real cost on the path (`Date.now()`) is counted; the fake-clock client
// beside it shows what that read costs.
import { GoTrueClient } from '@supabase/auth-js'
import { createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { createCountingGoTrue, goTrueSession } from './fakeGoTrue.js'
import { createSharedStorage } from './memoryStorage.js'

// Short blocks taken in turn, many rounds: on a shared machine a burst of load then lands on one
// round of every contender alike, and each ratio is taken within its round.
const ITERATIONS = 20_000
const ROUNDS = 31

async function nsPerOp(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) await fn()
  return Number(process.hrtime.bigint() - start) / iterations
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

export async function benchHotPath() {
  const auth = createAuthClient({ adapter: createFakeAdapter(), storage: createMemoryStorage(), tabs: false }).start()
  await auth.signIn({ email: 'ada@example.com', password: 'pw' })
  const token = await auth.getToken()

  const clock = createFakeClock(Date.now())
  const onFakeClock = createAuthClient({
    adapter: createFakeAdapter({ clock }),
    clock,
    storage: createMemoryStorage(),
    tabs: false,
  }).start()
  await clock.flush()
  await onFakeClock.signIn({ email: 'ada@example.com', password: 'pw' })

  const makeAuthJs = (padding: number) => {
    const storage = createSharedStorage()
    storage.setItem('bench-auth', JSON.stringify(goTrueSession(Date.now(), 3600, 'rt-0', padding)))
    return new GoTrueClient({
      url: 'http://127.0.0.1:1/auth/v1',
      storageKey: 'bench-auth',
      storage,
      autoRefreshToken: false,
      persistSession: true,
      detectSessionInUrl: false,
      fetch: createCountingGoTrue().fetch,
    })
  }
  const small = makeAuthJs(0)
  const realistic = makeAuthJs(1_800) // a ~2.5 KB session, as real ones with metadata are
  await small.getSession()
  await realistic.getSession()

  const rows = {
    promiseResolve: [] as number[],
    promiseResolveDateNow: [] as number[],
    getToken: [] as number[],
    getTokenFakeClock: [] as number[],
    authJs: [] as number[],
    authJsRealistic: [] as number[],
  }
  // The floor for any getToken() that checks expiry against real time: one clock read.
  const withClockRead = () => Promise.resolve(Date.now() > 0 ? token : '')
  const warmUp = [() => Promise.resolve(token), withClockRead, () => auth.getToken(), () => onFakeClock.getToken()]
  for (const fn of warmUp) await nsPerOp(fn, ITERATIONS * 5)
  for (let round = 0; round < ROUNDS; round++) {
    rows.promiseResolve.push(await nsPerOp(() => Promise.resolve(token), ITERATIONS))
    rows.promiseResolveDateNow.push(await nsPerOp(withClockRead, ITERATIONS))
    rows.getToken.push(await nsPerOp(() => auth.getToken(), ITERATIONS))
    rows.getTokenFakeClock.push(await nsPerOp(() => onFakeClock.getToken(), ITERATIONS))
    rows.authJs.push(await nsPerOp(() => small.getSession(), ITERATIONS / 20))
    rows.authJsRealistic.push(await nsPerOp(() => realistic.getSession(), ITERATIONS / 20))
  }
  auth.stop()
  onFakeClock.stop()
  const result = {
    promiseResolveNs: median(rows.promiseResolve),
    promiseResolveDateNowNs: median(rows.promiseResolveDateNow),
    getTokenNs: median(rows.getToken),
    getTokenFakeClockNs: median(rows.getTokenFakeClock),
    authJsGetSessionNs: median(rows.authJs),
    authJsGetSessionRealisticNs: median(rows.authJsRealistic),
    rounds: ROUNDS,
  }
  const inRound = (values: number[]) => median(values.map((value, i) => value / (rows.promiseResolve[i] as number)))
  return {
    ...result,
    /** The median over rounds of each round's ratio. */
    getTokenVsPromiseResolve: inRound(rows.getToken),
    promiseResolveDateNowVsPromiseResolve: inRound(rows.promiseResolveDateNow),
    getTokenFakeClockVsPromiseResolve: inRound(rows.getTokenFakeClock),
    authJsVsGetToken: result.authJsGetSessionNs / result.getTokenNs,
    authJsRealisticVsGetToken: result.authJsGetSessionRealisticNs / result.getTokenNs,
  }
}
