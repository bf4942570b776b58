import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { authMachine } from 'authchart'
import { chartStates } from 'authchart/testing'
import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { describeInBrowser, signIn, WAIT, waitForStatus, useDemoWithProfile } from './browser.js'

// The live chart of each demo page: drawn from the client's redacted inspection events, with the
// current states highlighted and the last transition marked. Screenshots of the chart go to
// test-results/e2e/ (SHOTS=<dir> elsewhere) for a person to look at.
const shots = process.env.SHOTS ?? fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))

const pages = [
  { name: 'React', path: '' },
  { name: 'vanilla', path: 'vanilla' },
] as const

// By state key, not id, so that a chart that moves its states into a parallel region (a network
// region next to the session) still passes: its other regions' states are active too.
const activeKeys = async (page: Page) => (await active(page)).map((id) => id?.split('.').pop())
const active = (page: Page) =>
  page
    .locator('[data-testid="chart"] [data-active="true"]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')))
const lastMarked = (page: Page) =>
  page
    .locator('[data-testid="chart"] [data-mark="last"]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-transition')))

for (const { name, path } of pages) {
  describeInBrowser(`the live chart (${name} page)`, () => {
    const env = useDemoWithProfile()

    it('highlights the current state and marks the last transition, signed out, signed in and refreshing', async () => {
      await mkdir(shots, { recursive: true })
      const page = await env.profile.context.newPage()
      await page.setViewportSize({ width: 1280, height: 1000 })
      await page.goto(`${env.demo.url}${path}`)
      await waitForStatus(page, 'unauthenticated')
      // every state of the real chart is drawn
      const drawn = await page
        .locator('[data-testid="chart"] [data-state]')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')))
      expect(new Set(drawn)).toEqual(new Set([authMachine.id, ...chartStates(authMachine)]))
      await expect.poll(() => activeKeys(page), WAIT).toContain('unauthenticated')
      await page.locator('[data-testid="chart"]').screenshot({ path: `${shots}chart-${name}-1-signed-out.png` })

      await signIn(page)
      await expect.poll(() => activeKeys(page), WAIT).toContain('authenticated')
      expect(await activeKeys(page)).not.toContain('unauthenticated')
      expect(await lastMarked(page)).toEqual([expect.stringMatching(/\.signingIn --done actor\[\d+\]$/)])
      await page.locator('[data-testid="chart"]').screenshot({ path: `${shots}chart-${name}-2-authenticated.png` })

      // A refresh held at the server: the chart waits in refreshing.requesting.
      let release = () => undefined as void
      const held = new Promise<void>((resolve) => (release = resolve))
      await page.route('**/auth/refresh', async (route) => {
        await held
        await route.continue()
      })
      await page.getByRole('button', { name: 'Expire now', exact: true }).click()
      await expect.poll(() => activeKeys(page), WAIT).toEqual(expect.arrayContaining(['refreshing', 'requesting']))
      expect(await active(page)).toContain(
        `${(await active(page)).find((id) => id?.endsWith('.refreshing'))}.requesting`,
      )
      expect(await lastMarked(page)).toEqual([expect.stringMatching(/\.refreshing\.starting --always\[\d+\]$/)])
      await page.locator('section[aria-label="Chart"]').screenshot({ path: `${shots}chart-${name}-3-refreshing.png` })
      release()
      await waitForStatus(page, 'authenticated')
      await page.unroute('**/auth/refresh')
      await expect.poll(() => activeKeys(page), WAIT).toContain('authenticated')
      expect(await activeKeys(page)).not.toContain('refreshing')
      await page.close()
    })
  })
}
