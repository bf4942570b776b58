import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Demo } from '../../examples/demo/startDemo.js'
import {
  describeInBrowser,
  heldToken,
  launchProfile,
  type Profile,
  signIn,
  startTestDemo,
  WAIT,
  waitForStatus,
} from './browser.js'

// 12 s tokens: the margin is capped at half the lifetime, so a refresh is due 6 s after issue,
// time enough to open the second tab first even on a loaded machine.
const TTL = 12

/** Waits until the page's client holds a token other than `token`. */
const waitForNewToken = (page: Page, token: string | null) =>
  page.waitForFunction(
    (old) => {
      const session = (
        window as unknown as { demo: { auth: { getSnapshot(): { session: { accessToken: string } | null } } } }
      ).demo.auth.getSnapshot().session
      return session !== null && session.accessToken !== old
    },
    token,
    { timeout: TTL * 1000 + WAIT.timeout },
  )

describeInBrowser('two tabs of one profile', () => {
  let demo: Demo
  let profile: Profile

  beforeAll(async () => {
    demo = await startTestDemo({ accessTokenTtl: TTL })
  }, 60_000)
  afterAll(async () => {
    await demo?.close()
  })
  // A fresh profile per test: a test that fails half-way leaves nothing signed in for the next.
  beforeEach(async () => {
    profile = await launchProfile()
  }, 60_000)
  afterEach(async () => {
    await profile?.close()
  })

  /** Tab A on the React page signs in; tab B on the vanilla page picks the session up. */
  async function twoSignedInTabs() {
    const tabA = await profile.context.newPage()
    await tabA.goto(demo.url)
    await waitForStatus(tabA, 'unauthenticated')
    await signIn(tabA)
    const tabB = await profile.context.newPage()
    await tabB.goto(`${demo.url}vanilla`)
    await waitForStatus(tabB, 'authenticated')
    return { tabA, tabB }
  }

  it('sends exactly one refresh at expiry, counted at the server, and both tabs hold the new token', async () => {
    const { tabA, tabB } = await twoSignedInTabs()
    const first = await heldToken(tabA)
    expect((await heldToken(tabB)) === first, 'tab B holds tab A’s token').toBe(true)
    const refreshesBefore = demo.count('POST /auth/refresh')

    // Both tabs' charts reach the same due time; Web Locks let one refresh, the other waits and
    // takes the broadcast result.
    await Promise.all([waitForNewToken(tabA, first), waitForNewToken(tabB, first)])
    const [tokenA, tokenB] = await Promise.all([heldToken(tabA), heldToken(tabB)])

    // On failure, say what reached the server (method, path, status: never a token).
    const seen = demo.requests().map((r) => `${r.method} ${r.path} ${r.status}`)
    expect(demo.count('POST /auth/refresh'), seen.join(', ')).toBe(refreshesBefore + 1)
    expect(tokenA === tokenB, 'both tabs hold the same new token').toBe(true)
    // No tab presented a rotated refresh token: reuse detection would have answered 401.
    expect(
      demo
        .requests()
        .filter((r) => r.path === '/auth/refresh')
        .map((r) => r.status),
    ).not.toContain(401)
    for (const tab of [tabA, tabB]) await waitForStatus(tab, 'authenticated')
    await tabA.getByRole('button', { name: 'Sign out' }).click()
    await waitForStatus(tabB, 'unauthenticated')
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)

  it('signs tab B out when tab A signs out', async () => {
    const { tabA, tabB } = await twoSignedInTabs()
    const logouts = demo.count('POST /auth/logout')

    await tabA.getByRole('button', { name: 'Sign out' }).click()

    await waitForStatus(tabB, 'unauthenticated')
    expect(await heldToken(tabB)).toBeNull()
    await waitForStatus(tabA, 'unauthenticated')
    // One server sign-out, from tab A; tab B took the broadcast without a request.
    expect(demo.count('POST /auth/logout')).toBe(logouts + 1)
    await Promise.all([tabA.close(), tabB.close()])
  }, 60_000)
})
