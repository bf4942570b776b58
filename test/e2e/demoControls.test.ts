import type { ConsoleMessage, Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { describeInBrowser, signIn, testId, WAIT, waitForStatus, useDemoWithProfile } from './browser.js'

// What a newcomer meets first on each demo page: the sign-in form's fields, which buttons can be
// pressed when, and "Update claims" changing something on a page loaded fresh.

const pages = [
  { name: 'React', path: '' },
  { name: 'vanilla', path: 'vanilla' },
] as const

for (const { name, path } of pages) {
  describeInBrowser(`the demo controls (${name} page)`, () => {
    const env = useDemoWithProfile()
    const open = async () => {
      const page = await env.profile.context.newPage()
      const console: string[] = []
      page.on('console', (message: ConsoleMessage) => console.push(`${message.type()}: ${message.text()}`))
      await page.goto(`${env.demo.url}${path}`)
      return { page, console }
    }
    const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })
    const idle = (page: Page) =>
      page.waitForFunction(
        () => document.querySelector('[data-testid="busy"]')?.textContent?.endsWith('…') === false,
        undefined,
        WAIT,
      )

    it('has autocomplete on the sign-in fields, and Chromium says nothing about them', async () => {
      const { page, console } = await open()
      await waitForStatus(page, 'unauthenticated')
      expect(await page.locator('input[name="email"]').getAttribute('autocomplete')).toBe('username')
      expect(await page.locator('input[name="password"]').getAttribute('autocomplete')).toBe('current-password')
      expect(console.filter((line) => /autocomplete/i.test(line))).toEqual([])
      await page.close()
    })

    it('disables Sign in while signed in, and enables it again after signing out', async () => {
      const { page } = await open()
      await waitForStatus(page, 'unauthenticated')
      expect(await button(page, 'Sign in').isEnabled()).toBe(true)
      await signIn(page)
      await idle(page)
      expect(await button(page, 'Sign in').isDisabled()).toBe(true)
      expect(await button(page, 'Sign out').isEnabled()).toBe(true)
      await button(page, 'Sign out').click()
      await waitForStatus(page, 'unauthenticated')
      await idle(page)
      expect(await button(page, 'Sign in').isEnabled()).toBe(true)
      await page.close()
    })

    it('toggles the plan with Update claims, also on a page loaded fresh after an update', async () => {
      const first = await open()
      await waitForStatus(first.page, 'unauthenticated')
      await signIn(first.page)
      const plan = (page: Page) => testId(page, 'plan').textContent()
      const before = await plan(first.page)
      await button(first.page, 'Update claims').click()
      await idle(first.page)
      const updated = await plan(first.page)
      expect(['pro', 'free']).toContain(updated)
      expect(updated).not.toBe(before)
      await first.page.close()

      // A fresh page restores the session whose token has the plan; the button must change it again.
      const second = await open()
      await waitForStatus(second.page, 'authenticated')
      expect(await plan(second.page)).toBe(updated)
      await button(second.page, 'Update claims').click()
      await idle(second.page)
      await expect.poll(() => plan(second.page), WAIT).toBe(updated === 'pro' ? 'free' : 'pro')
      await button(second.page, 'Sign out').click()
      await waitForStatus(second.page, 'unauthenticated')
      await second.page.close()
    })
  })
}
