// 2 and 3. Refresh storms: 1 000 concurrent token reads on one client with the token due, and
// N tabs sharing storage (authchart: also a channel and a lock) at one expiry.
import { GoTrueClient } from '@supabase/auth-js'
import { type AuthClient, createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeTabs } from 'authchart/testing'
import { createCountingGoTrue, goTrueSession, makeJwt } from './fakeGoTrue.js'
import { createGoTrueBenchAdapter } from './goTrueAdapter.js'
import { createSharedStorage } from './memoryStorage.js'

const CALLS = 1_000
// A one-hour token with 10 s left: inside authchart's 60 s margin and auth-js's expiry margin.
const DUE_SECONDS = 10
const TTL_SECONDS = 3_600

function dueSession() {
  return {
    accessToken: makeJwt('user-1', Date.now() - (TTL_SECONDS - DUE_SECONDS) * 1000, TTL_SECONDS),
    refreshToken: 'rt-0',
    expiresAt: Date.now() + DUE_SECONDS * 1000,
  }
}

function authJsClient(storage: ReturnType<typeof createSharedStorage>, fetch: typeof globalThis.fetch) {
  return new GoTrueClient({
    url: 'http://127.0.0.1:1/auth/v1',
    storageKey: 'bench-auth',
    storage,
    autoRefreshToken: false,
    persistSession: true,
    detectSessionInUrl: false,
    fetch,
  })
}

async function timed<T>(run: () => Promise<T>) {
  const start = performance.now()
  const value = await run()
  return { value, ms: performance.now() - start }
}

async function oneClientStorm() {
  const ours = createCountingGoTrue()
  const initial = dueSession()
  const auth = createAuthClient({
    adapter: createGoTrueBenchAdapter(ours.fetch, initial),
    storage: createMemoryStorage(),
    tabs: false,
  })
  auth.start()
  await auth.signIn({})
  // The calls start at once: the due token has not been refreshed yet.
  const before = ours.requests()
  const authchart = await timed(() => Promise.allSettled(Array.from({ length: CALLS }, () => auth.getToken())))
  auth.stop()

  const peer = async (call: (client: GoTrueClient) => Promise<unknown>) => {
    const counting = createCountingGoTrue()
    const storage = createSharedStorage()
    storage.setItem('bench-auth', JSON.stringify(goTrueSession(Date.now(), DUE_SECONDS, 'rt-0')))
    const client = authJsClient(storage, counting.fetch)
    await new Promise<void>((resolve) => setImmediate(resolve))
    const result = await timed(() => Promise.allSettled(Array.from({ length: CALLS }, () => call(client))))
    return { requests: counting.requests(), ms: result.ms, failed: result.value.filter(failedResult).length }
  }
  return {
    calls: CALLS,
    authchart: {
      requests: ours.requests() - before,
      ms: authchart.ms,
      failed: authchart.value.filter(failedResult).length,
    },
    authJsGetSession: await peer((c) => c.getSession()),
    authJsRefreshSession: await peer((c) => c.refreshSession()),
  }
}

export function failedResult(result: PromiseSettledResult<unknown>): boolean {
  if (result.status === 'rejected') return true
  const value = result.value as { data?: { session?: unknown }; error?: unknown } | string
  if (typeof value === 'string') return false
  return value.error != null || value.data?.session == null
}

export async function benchTabStorm(tabs = 3, callsPerTab = 100) {
  const ours = createCountingGoTrue()
  const profile = createFakeTabs()
  const initial = dueSession()
  const clients: AuthClient[] = []
  for (let i = 0; i < tabs; i++) {
    clients.push(
      createAuthClient({
        adapter: createGoTrueBenchAdapter(ours.fetch, initial),
        storage: profile.storage,
        tabs: profile,
      }).start(),
    )
  }
  await clients[0]?.signIn({})
  const before = ours.requests()
  const results = await Promise.allSettled(
    clients.flatMap((c) => Array.from({ length: callsPerTab }, () => c.getToken())),
  )
  for (const c of clients) c.stop()

  const peerFetch = createCountingGoTrue()
  const storage = createSharedStorage()
  storage.setItem('bench-auth', JSON.stringify(goTrueSession(Date.now(), DUE_SECONDS, 'rt-0')))
  const peers = Array.from({ length: tabs }, () => authJsClient(storage, peerFetch.fetch))
  await new Promise<void>((resolve) => setImmediate(resolve))
  const peerResults = await Promise.allSettled(
    peers.flatMap((c) => Array.from({ length: callsPerTab }, () => c.getSession())),
  )
  return {
    tabs,
    callsPerTab,
    authchart: {
      requests: ours.requests() - before,
      failed: results.filter(failedResult).length,
      refreshTokensSentTwice: ours.sent.length - new Set(ours.sent).size,
    },
    authJs: {
      requests: peerFetch.requests(),
      failed: peerResults.filter(failedResult).length,
      refreshTokensSentTwice: peerFetch.sent.length - new Set(peerFetch.sent).size,
    },
  }
}

/** Runs the one-client storm twice and reports the second, so neither side pays for warm-up. */
export async function benchOneClientStorm() {
  await oneClientStorm()
  return oneClientStorm()
}
