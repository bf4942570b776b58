import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { beforeAll, expect, it } from 'vitest'
import {
  describeInBrowser,
  type IssuedTokens,
  recordIssuedTokens,
  signIn,
  testId,
  WAIT,
  waitForStatus,
  useDemoWithProfile,
} from './browser.js'

const shots = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))

describeInBrowser('the demo in each main state (screenshots in test-results/e2e/)', () => {
  const env = useDemoWithProfile()
  let page: Page
  let issued: IssuedTokens

  beforeAll(async () => {
    await mkdir(shots, { recursive: true })
    issued = recordIssuedTokens(env.profile)
    page = await env.profile.context.newPage()
  }, 60_000)

  const shoot = (target: Page, name: string) => target.screenshot({ path: `${shots}${name}.png`, fullPage: true })
  const click = (name: string) => page.getByRole('button', { name }).click()
  const idle = () =>
    page.waitForFunction(
      () => document.querySelector('[data-testid="busy"]')?.textContent?.endsWith('…') === false,
      undefined,
      WAIT,
    )

  it('signed out, then signed in', async () => {
    await page.goto(env.demo.url)
    await waitForStatus(page, 'unauthenticated')
    await shoot(page, '01-unauthenticated')
    await signIn(page)
    await expect.poll(() => testId(page, 'expires').textContent(), WAIT).toMatch(/\d+\.\d s/)
    await shoot(page, '02-authenticated')
  })

  it('refreshing, held at the server until the screenshot is taken', async () => {
    let release = () => undefined as void
    const held = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/auth/refresh', async (route) => {
      await held
      await route.continue()
    })
    await click('Expire now')
    await waitForStatus(page, 'refreshing')
    await shoot(page, '03-refreshing')
    release()
    await waitForStatus(page, 'authenticated')
    await page.unroute('**/auth/refresh')
    await idle()
  })

  it('claims updated: the token carries the new plan', async () => {
    await click('Update claims')
    await expect.poll(() => testId(page, 'plan').textContent(), WAIT).toBe('pro')
    await idle()
    await shoot(page, '04-claims-updated')
  })

  it('server restarted: still signed in, the next refresh works', async () => {
    await click('Restart server')
    await expect.poll(() => testId(page, 'activity').textContent(), WAIT).toContain('REST server restarted')
    await waitForStatus(page, 'authenticated')
    await shoot(page, '05-server-restarted')
  })

  it('a transient refresh failure: still signed in, the error shown', async () => {
    await page.route('**/auth/refresh', (route) => route.abort('connectionrefused'))
    await click('Expire now')
    await expect.poll(() => testId(page, 'snapshot-error').textContent(), WAIT).toContain('snapshot.error ·')
    await idle()
    expect(await testId(page, 'status').textContent()).toBe('authenticated')
    await shoot(page, '06-transient-error')
    await page.unroute('**/auth/refresh')
  })

  it('expired: the refresh token was used elsewhere, the server rejects it', async () => {
    // The refresh token the page holds: the one the server sent with the latest token response.
    const refreshToken = await issued.latestRefreshToken()
    expect(refreshToken).not.toBeNull()
    // Someone else spends the refresh token (a stolen copy, say), and its successor too, so the
    // page's token is not merely a retry within the server's reuse interval: reuse detection
    // then revokes the family when the page presents it.
    const spend = (token: string | null | undefined) =>
      fetch(`${env.demo.url}auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      })
    const stolen = await spend(refreshToken)
    expect(stolen.status).toBe(200)
    expect((await spend(((await stolen.json()) as { refresh_token: string }).refresh_token)).status).toBe(200)
    await click('Expire now')
    await waitForStatus(page, 'expired')
    await expect.poll(() => testId(page, 'errors').textContent(), WAIT).toContain('refreshRejected')
    await idle()
    await shoot(page, '07-expired')
  })

  it('the vanilla page, and a sign-out in the other tab', async () => {
    await signIn(page)
    const vanilla = await env.profile.context.newPage()
    await vanilla.goto(`${env.demo.url}vanilla`)
    await waitForStatus(vanilla, 'authenticated')
    await expect.poll(() => testId(vanilla, 'expires').textContent(), WAIT).toMatch(/\d+\.\d s/)
    await shoot(vanilla, '08-vanilla-authenticated')
    await click('Sign out')
    await waitForStatus(vanilla, 'unauthenticated')
    await shoot(vanilla, '09-vanilla-signed-out-by-other-tab')
    await vanilla.close()
  })
})
