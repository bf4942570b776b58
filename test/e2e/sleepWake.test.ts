import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Demo } from '../../examples/demo/startDemo.js'
import {
  describeInBrowser,
  heldToken,
  launchProfile,
  type Profile,
  signIn,
  startTestDemo,
  testId,
  WAIT,
  waitForStatus,
} from './browser.js'

const TTL = 6

describeInBrowser('a tab put to sleep past expiry', () => {
  let demo: Demo
  let profile: Profile

  beforeAll(async () => {
    demo = await startTestDemo({ accessTokenTtl: TTL })
    profile = await launchProfile()
  }, 60_000)
  afterAll(async () => {
    await profile?.close()
    await demo?.close()
  })

  /** Asks the server (through the demo's origin) whether it still accepts `token`. */
  const accepted = async (token: string) =>
    (await fetch(`${demo.url}auth/me`, { headers: { Authorization: `Bearer ${token}` } })).status === 200

  /**
   * What a browser does to a tab on sleep and wake: flips `visibilityState` and says so. Returns
   * the chart's state right after the event, before any timer could run.
   */
  const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
    page.evaluate((to) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => to })
      document.dispatchEvent(new Event('visibilitychange'))
      type Demo = { demo: { auth: { actor: { getSnapshot(): { value: unknown } } } } }
      return JSON.stringify((window as unknown as Demo).demo.auth.actor.getSnapshot().value)
    }, state)

  it('refreshes on wake, and its first request carries a valid token', async () => {
    const page = await profile.context.newPage()
    // Playwright's fake clock: the page's timers and Date, which the test can stop and move.
    await page.clock.install()
    await page.goto(demo.url)
    await waitForStatus(page, 'unauthenticated')
    await signIn(page)
    const sleepyToken = await heldToken(page)
    expect(sleepyToken).not.toBeNull()

    // Sleep: hidden, and the page's clock stops, so none of its timers fire (a suspended tab).
    await setVisibility(page, 'hidden')
    const asleepAt = await page.evaluate(() => Date.now())
    await page.clock.pauseAt(asleepAt + 50)

    // Meanwhile real time passes at the server until it rejects the old token: the tab's token
    // has really expired, so only a refreshed token can pass.
    await expect
      .poll(() => accepted(sleepyToken as string), { timeout: TTL * 1000 + WAIT.timeout, interval: 250 })
      .toBe(false)
    expect(await page.evaluate(() => document.querySelector('[data-testid="status"]')?.textContent)).toBe(
      'authenticated',
    )

    // Wake: the device clock has moved on; no timer has fired yet. The visibilitychange alone
    // must start the refresh, synchronously.
    await page.clock.setSystemTime(asleepAt + 60_000)
    const seenBefore = demo.requests().length
    const stateOnWake = await setVisibility(page, 'visible')
    expect(stateOnWake).toContain('refreshing')
    await page.clock.resume()

    await page.waitForFunction(
      (old) => {
        type Demo = { demo: { auth: { getSnapshot(): { status: string; session: { accessToken: string } | null } } } }
        const snapshot = (window as unknown as Demo).demo.auth.getSnapshot()
        return snapshot.status === 'authenticated' && snapshot.session?.accessToken !== old
      },
      sleepyToken,
      WAIT,
    )
    await page.getByRole('button', { name: 'Call API' }).click()
    await expect.poll(() => testId(page, 'activity').textContent(), WAIT).toContain('GET /auth/me → 200')

    // At the server, after wake: one refresh, then the API call, accepted the first time.
    const afterWake = demo.requests().slice(seenBefore)
    expect(afterWake.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /auth/refresh 200',
      'GET /auth/me 200',
    ])
    expect(afterWake[1]?.bearer).toBe(true)
    await page.close()
  }, 60_000)
})
