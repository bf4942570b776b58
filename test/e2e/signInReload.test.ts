import { expect, it } from 'vitest'
import { describeInBrowser, heldTokenId, signIn, testId, waitForStatus, useDemoWithProfile } from './browser.js'

describeInBrowser('sign in, reload, still signed in', () => {
  const env = useDemoWithProfile()

  it.each([
    ['the React page', ''],
    ['the vanilla page', 'vanilla'],
  ])('%s restores the stored session after a reload, then validates it at the server', async (_name, path) => {
    const page = await env.profile.context.newPage()
    await page.goto(env.demo.url + path)
    await waitForStatus(page, 'unauthenticated')
    await signIn(page)
    const token = await heldTokenId(page)
    expect(token).not.toBeNull()
    const logins = env.demo.count('POST /auth/login')
    const validations = env.demo.count('GET /auth/me')

    await page.reload()
    await waitForStatus(page, 'authenticated')

    // The chart went restoring → validating → authenticated, with no new sign-in: the session
    // came from storage and was checked with the server (GET /auth/me) before being trusted.
    const states = await testId(page, 'history')
      .locator('li')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.state))
    expect(states).toEqual(['restoring', 'validating', 'authenticated'])
    expect(env.demo.count('POST /auth/login')).toBe(logins)
    expect(env.demo.count('GET /auth/me')).toBe(validations + 1)
    expect(env.demo.requests().at(-1)).toMatchObject({ method: 'GET', path: '/auth/me', status: 200, bearer: true })
    expect(await heldTokenId(page), 'the reloaded page holds the same token').toBe(token)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await waitForStatus(page, 'unauthenticated')
    await page.close()
  })
})
