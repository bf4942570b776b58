import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import {
  describeInBrowser,
  heldTokenId,
  openTab,
  signIn,
  testId,
  useDemoWithProfiles,
  WAIT,
  waitForStatus,
} from './browser.js'

// 12 s tokens: the margin is capped at half the lifetime, so a refresh is due 6 s after issue,
// time enough to open the second tab first even on a loaded machine.
const TTL = 12
// The demo server holds each refresh this long before the REST server sees it. Both tabs' timers
// fire at the same due time (it comes from the shared token's expiry), so the second tab's
// refresh is certainly due while the first one's request is held: only the lock keeps it out.
const REFRESH_DELAY_MS = 2_000
// The client's bound on a refresh, lock wait included (`retry.requestTimeout`, the demo's default).
const REQUEST_TIMEOUT_MS = 15_000
// The lock every refresh runs in: `authchart:refresh:<storageKey>`, and the demo keeps the
// default storage key. (`authchart:<storageKey>` is the BroadcastChannel.)
const REFRESH_LOCK = 'authchart:refresh:authchart.session'

type DemoWindow = {
  demo: {
    auth: {
      getSnapshot(): {
        status: string
        error: { code: string } | null
        claims: { jti?: unknown } | null
      }
    }
  }
}

/** The chart states a tab went through, from its History panel. */
const history = (page: Page) =>
  testId(page, 'history')
    .locator('li')
    .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.state))

/** Waits until the page's client holds a token other than the one `id` names (see heldTokenId). */
const waitForNewToken = (page: Page, id: string | null) =>
  page.waitForFunction(
    (old) => {
      const jti = (window as unknown as DemoWindow).demo.auth.getSnapshot().claims?.jti
      return typeof jti === 'string' && jti !== old
    },
    id,
    { timeout: TTL * 1000 + WAIT.timeout },
  )

describeInBrowser('two tabs of one profile', () => {
  const env = useDemoWithProfiles({ accessTokenTtl: TTL, refreshDelayMs: REFRESH_DELAY_MS })

  /** Tab A on the React page signs in; tab B on the vanilla page picks the session up. */
  async function twoSignedInTabs() {
    const tabA = await openTab(env.profile, env.demo.url, 'unauthenticated')
    await signIn(tabA)
    const tabB = await openTab(env.profile, `${env.demo.url}vanilla`, 'authenticated')
    return { tabA, tabB }
  }

  it('sends exactly one refresh at expiry, counted at the server, and both tabs hold the new token', async () => {
    const { tabA, tabB } = await twoSignedInTabs()
    const first = await heldTokenId(tabA)
    expect(first).not.toBeNull()
    expect(await heldTokenId(tabB), 'tab B holds tab A’s token').toBe(first)
    const refreshesBefore = env.demo.count('POST /auth/refresh')

    // Both tabs' charts reach the same due time; Web Locks let one refresh, the other waits and
    // takes the broadcast result.
    await Promise.all([waitForNewToken(tabA, first), waitForNewToken(tabB, first)])
    // Token ids (jti claims): they name the tokens without being them, so they may be printed.
    const [tokenA, tokenB] = await Promise.all([heldTokenId(tabA), heldTokenId(tabB)])

    // On failure, say what reached the server (method, path, status: never a token).
    const seen = env.demo.requests().map((r) => `${r.method} ${r.path} ${r.status}`)
    expect(env.demo.count('POST /auth/refresh'), seen.join(', ')).toBe(refreshesBefore + 1)
    expect(tokenA, 'both tabs hold the same new token').toBe(tokenB)
    // No tab presented a rotated refresh token: reuse detection would have answered 401.
    expect(
      env.demo
        .requests()
        .filter((r) => r.path === '/auth/refresh')
        .map((r) => r.status),
    ).not.toContain(401)
    for (const tab of [tabA, tabB]) await waitForStatus(tab, 'authenticated')
    // The overlap happened: each tab's own timer took it to refreshing (the second tab did not
    // just adopt a finished refresh), so without the lock both would have sent a request.
    for (const tab of [tabA, tabB]) expect(await history(tab)).toContain('refreshing.requesting')
    await tabA.getByRole('button', { name: 'Sign out' }).click()
    await waitForStatus(tabB, 'unauthenticated')
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)

  it('a tab that dies holding the refresh lock delays the others by a bounded wait, and never blocks them', async () => {
    const tabA = await openTab(env.profile, env.demo.url, 'unauthenticated')
    await signIn(tabA)
    const first = await heldTokenId(tabA)
    expect(first).not.toBeNull()
    // Tab A takes the refresh lock and never lets go: a tab stuck while holding it.
    await tabA.evaluate((name) => {
      void navigator.locks.request(name, () => new Promise<never>(() => {}))
    }, REFRESH_LOCK)
    const tabB = await openTab(env.profile, `${env.demo.url}vanilla`, 'authenticated')
    const held = await tabB.evaluate(async () => (await navigator.locks.query()).held?.map((lock) => lock.name))
    expect(held, 'tab A holds the lock the client refreshes in').toContain(REFRESH_LOCK)
    const refreshesBefore = env.demo.count('POST /auth/refresh')

    // At the due time tab B asks for the lock; the wait ends at the request timeout as a
    // transient failure (refreshing → backingOff), with the reason in snapshot.error.
    await tabB.waitForFunction(
      () => (window as unknown as DemoWindow).demo.auth.getSnapshot().error?.code === 'request_timeout',
      undefined,
      { timeout: (TTL / 2) * 1000 + REQUEST_TIMEOUT_MS + WAIT.timeout },
    )
    await expect.poll(() => testId(tabB, 'snapshot-error').textContent(), WAIT).toContain('request_timeout')
    expect(await history(tabB)).toEqual(expect.arrayContaining(['refreshing.requesting', 'refreshing.backingOff']))
    // It waited rather than refreshing without the lock.
    expect(env.demo.count('POST /auth/refresh')).toBe(refreshesBefore)

    // The stuck tab goes away; the browser releases its lock, and tab B's next attempt gets it.
    await tabA.close()
    await tabB.waitForFunction(
      (old) => {
        const snapshot = (window as unknown as DemoWindow).demo.auth.getSnapshot()
        const jti = snapshot.claims?.jti
        return snapshot.status === 'authenticated' && typeof jti === 'string' && jti !== old
      },
      first,
      { timeout: REQUEST_TIMEOUT_MS + REFRESH_DELAY_MS + WAIT.timeout },
    )
    expect(await tabB.evaluate(() => (window as unknown as DemoWindow).demo.auth.getSnapshot().error)).toBeNull()
    const seen = env.demo.requests().map((r) => `${r.method} ${r.path} ${r.status}`)
    expect(env.demo.count('POST /auth/refresh'), seen.join(', ')).toBe(refreshesBefore + 1)
    expect(
      env.demo
        .requests()
        .filter((r) => r.path === '/auth/refresh')
        .map((r) => r.status),
    ).not.toContain(401)
    await tabB.getByRole('button', { name: 'Sign out' }).click()
    await waitForStatus(tabB, 'unauthenticated')
    await tabB.close()
  }, 60_000)

  it('"Open another tab" opens a tab that holds the same session, without a sign-in or a refresh', async () => {
    const tabA = await openTab(env.profile, env.demo.url, 'unauthenticated')
    await signIn(tabA)
    const token = await heldTokenId(tabA)
    expect(token).not.toBeNull()
    const logins = env.demo.count('POST /auth/login')
    const refreshes = env.demo.count('POST /auth/refresh')

    const [tabB] = await Promise.all([
      env.profile.context.waitForEvent('page', WAIT),
      tabA.getByRole('button', { name: 'Open another tab' }).click(),
    ])
    await tabB.waitForLoadState()
    expect(new URL(tabB.url()).pathname).toBe(new URL(tabA.url()).pathname)
    await waitForStatus(tabB, 'authenticated')

    expect(await heldTokenId(tabB), 'the new tab holds tab A’s token').toBe(token)
    expect(env.demo.count('POST /auth/login')).toBe(logins)
    expect(env.demo.count('POST /auth/refresh')).toBe(refreshes)
    await expect.poll(() => testId(tabA, 'activity').textContent(), WAIT).toContain('Opened another tab')
    await tabA.getByRole('button', { name: 'Sign out' }).click()
    await waitForStatus(tabB, 'unauthenticated')
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)

  it('a sign-in in tab A reaches tab B, already open and signed out, without a request from B', async () => {
    const tabA = await openTab(env.profile, env.demo.url, 'unauthenticated')
    const tabB = await openTab(env.profile, `${env.demo.url}vanilla`, 'unauthenticated')
    const before = env.demo.requests().length

    await signIn(tabA)

    await waitForStatus(tabB, 'authenticated')
    const token = await heldTokenId(tabA)
    expect(token).not.toBeNull()
    expect(await heldTokenId(tabB), 'tab B holds tab A’s token').toBe(token)
    // Only tab A's sign-in reached the server: tab B took the session from the broadcast.
    const after = env.demo.requests().slice(before)
    expect(after.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /auth/login 200'])
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)

  it('signs tab B out when tab A signs out', async () => {
    const { tabA, tabB } = await twoSignedInTabs()
    const logouts = env.demo.count('POST /auth/logout')

    await tabA.getByRole('button', { name: 'Sign out' }).click()

    await waitForStatus(tabB, 'unauthenticated')
    expect(await heldTokenId(tabB)).toBeNull()
    await waitForStatus(tabA, 'unauthenticated')
    // One server sign-out, from tab A; tab B took the broadcast without a request.
    expect(env.demo.count('POST /auth/logout')).toBe(logouts + 1)
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)
})
