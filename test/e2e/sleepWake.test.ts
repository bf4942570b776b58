import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import {
  currentToken,
  describeInBrowser,
  heldTokenId,
  signIn,
  testId,
  WAIT,
  waitForStatus,
  useDemoWithProfile,
} from './browser.js'

const TTL = 6
// The demo server holds the refresh this long before processing it: an API request that did not
// wait for the new token would reach the server inside this window, with the expired one.
const REFRESH_DELAY_MS = 1_000

describeInBrowser('a tab put to sleep past expiry', () => {
  const env = useDemoWithProfile({ accessTokenTtl: TTL, refreshDelayMs: REFRESH_DELAY_MS })

  /** Asks the server (through the demo's origin) whether it still accepts `token`. */
  const accepted = async (token: string) =>
    (await fetch(`${env.demo.url}auth/me`, { headers: { Authorization: `Bearer ${token}` } })).status === 200

  /**
   * What a browser does to a tab on sleep and wake: flips `visibilityState` and says so. Returns
   * the chart's state right after the event, before any timer could run. With `callApi`, the
   * page's "Call API" button is clicked in the same task, right after the event: the user's first
   * action on wake, before the refresh could have finished.
   */
  const setVisibility = (page: Page, state: 'hidden' | 'visible', callApi = false) =>
    page.evaluate(
      ([to, click]) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => to })
        document.dispatchEvent(new Event('visibilitychange'))
        type Demo = { demo: { auth: { actor: { getSnapshot(): { value: unknown } } } } }
        const value = JSON.stringify((window as unknown as Demo).demo.auth.actor.getSnapshot().value)
        if (click) {
          const button = Array.from(document.querySelectorAll('button')).find((b) => b.textContent === 'Call API')
          if (!button || button.disabled) throw new Error(`no enabled Call API button (state ${value})`)
          button.click()
        }
        return value
      },
      [state, callApi] as const,
    )

  it('refreshes on wake, and its first request carries a valid token', async () => {
    const page = await env.profile.context.newPage()
    // Playwright's fake clock: the page's timers and Date, which the test can stop and move.
    await page.clock.install()
    await page.goto(env.demo.url)
    await waitForStatus(page, 'unauthenticated')
    await signIn(page)
    // The token itself, as a token sink receives it, to present to the server; its id to compare.
    const sleepyToken = await currentToken(page)
    const sleepyId = await heldTokenId(page)
    expect(sleepyToken).not.toBeNull()
    expect(sleepyId).not.toBeNull()

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
    // must start the refresh, synchronously, and the API call made at once must wait for it.
    await page.clock.setSystemTime(asleepAt + 60_000)
    const seenBefore = env.demo.requests().length
    const stateOnWake = await setVisibility(page, 'visible', true)
    expect(stateOnWake).toContain('refreshing')
    await page.clock.resume()
    await expect.poll(() => testId(page, 'activity').textContent(), WAIT).toContain('Call API: GET /auth/me → 200')
    await waitForStatus(page, 'authenticated')
    const wokenId = await heldTokenId(page)
    expect(wokenId).not.toBeNull()
    expect(wokenId, 'the tab holds a new token').not.toBe(sleepyId)

    // At the server, after wake: one refresh, then the API call, accepted the first time (no
    // 401 and no retry), and sent only once the refresh had been answered.
    const afterWake = env.demo.requests().slice(seenBefore)
    expect(afterWake.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /auth/refresh 200',
      'GET /auth/me 200',
    ])
    const [refresh, call] = afterWake
    expect(call?.bearer).toBe(true)
    expect(call?.arrivedAt).toBeGreaterThan(refresh?.answeredAt ?? Infinity)
    await page.close()
  }, 60_000)
})
