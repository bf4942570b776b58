import { expect, it } from 'vitest'
import {
  currentToken,
  describeInBrowser,
  recordIssuedTokens,
  signIn,
  WAIT,
  waitForStatus,
  useDemoWithProfile,
} from './browser.js'

describeInBrowser('the inspector switch', () => {
  const env = useDemoWithProfile()

  it('streams the chart to the Stately inspector window with every token redacted', async () => {
    const issued = recordIssuedTokens(env.profile)
    const page = await env.profile.context.newPage()
    // The inspector window is stately.ai; stand in for it, keeping what the page posts to it.
    await page.addInitScript(() => {
      const posted: string[] = []
      window.open = () =>
        ({ postMessage: (message: unknown) => posted.push(JSON.stringify(message)) }) as unknown as Window
      // The inspector converts each event in an idle callback, reading the actor's snapshot then.
      // Hold those callbacks until the test says, so "later" is certain, not a matter of load.
      const idle: IdleRequestCallback[] = []
      window.requestIdleCallback = (callback) => idle.push(callback)
      const flushIdle = () =>
        idle.splice(0).forEach((callback) => callback({ didTimeout: false, timeRemaining: () => 50 }))
      Object.assign(window, { inspected: posted, flushIdle })
    })
    await page.goto(env.demo.url)
    await waitForStatus(page, 'unauthenticated')
    await page.getByLabel('XState inspector (tokens redacted)').check()
    // What the real inspector says once loaded; the adapter then sends what it held back.
    await page.evaluate(() => window.postMessage({ type: '@statelyai.connected' }, '*'))
    await signIn(page)
    // The access token as a token sink receives it; the refresh token from the sign-in response.
    const token = await currentToken(page)
    const refreshToken = await issued.latestRefreshToken()
    expect(token).not.toBeNull()
    expect(refreshToken).not.toBeNull()

    await page.evaluate(() => (window as unknown as { flushIdle(): void }).flushIdle())
    const inspected = () =>
      page.evaluate(() => {
        const test = window as unknown as { inspected: string[]; flushIdle(): void }
        test.flushIdle()
        return test.inspected.join('\n')
      })
    await expect.poll(inspected, WAIT).toContain('"authenticated"')
    const text = await inspected()
    // Booleans, so that a failure does not print the tokens it found.
    expect(text.includes('[redacted]'), 'redacted placeholders reach the inspector').toBe(true)
    expect(text.includes(token as string), 'the access token reaches the inspector').toBe(false)
    expect(text.includes(refreshToken as string), 'the refresh token reaches the inspector').toBe(false)
    expect(text.includes('lovelace'), 'the password reaches the inspector').toBe(false)
    expect(/eyJ[\w-]+\.[\w-]+/.test(text), 'a JWT reaches the inspector').toBe(false)
    await page.close()
  })
})
