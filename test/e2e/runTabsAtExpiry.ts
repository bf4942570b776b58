// The side-by-side scenario of issue 16, with no test runner in it: a redirect sign-in in one tab
// of a fresh profile, more tabs of the same profile, the access token's expiry, and then what
// reached the provider and which tabs can still call an API. Used by the Chromium suite and by
// bench/oidcSideBySide.ts.
import type { BrowserContext, Page } from 'playwright-core'
import type { OidcProviderFixture } from '../../examples/oidc-provider/startOidcProvider.js'

export type TabsLibrary = 'authchart' | 'oidc-client-ts'

/**
 * How the tabs come up: `oneByOne`, as a user opens them; `together`, all loaded at one moment
 * after the sign-in, as a browser restoring its tabs on start does. Libraries whose tabs each run
 * their own timer renew in step only in the second case.
 */
export type TabsOpening = 'oneByOne' | 'together'

export interface TabsAtExpiryResult {
  library: TabsLibrary
  opening: TabsOpening
  tabs: number
  /** `grant_type=refresh_token` requests that reached the provider after the sign-in. */
  refreshRequests: number
  /** Refresh requests that sent a refresh token an earlier request had already sent. */
  reusedRefreshTokens: number
  /** Tabs whose access token no longer works at the provider's userinfo endpoint. */
  signedOutTabs: number
}

const PAGE: Record<TabsLibrary, string> = { authchart: 'oidc', 'oidc-client-ts': 'oidc-client-ts' }

const statusIs = (page: Page, status: string, timeout: number) =>
  page.waitForFunction((want) => document.querySelector('[data-testid="status"]')?.textContent === want, status, {
    timeout,
  })

/**
 * Whether the tab can still call an API: it asks its library for the current access token and
 * sends it to the provider's userinfo endpoint. A revoked grant answers 401 there.
 */
const canCallApi = (page: Page, library: TabsLibrary, userinfo: string) =>
  page.evaluate(
    async ({ library, userinfo }) => {
      type Holder = {
        demo?: { auth: { getToken(): Promise<string> } }
        oidcClientTs?: { manager: { getUser(): Promise<{ access_token: string; expired?: boolean } | null> } }
      }
      const w = window as unknown as Holder
      try {
        let token: string | undefined
        if (library === 'authchart') token = await w.demo?.auth.getToken()
        else {
          const user = await w.oidcClientTs?.manager.getUser()
          token = user && !user.expired ? user.access_token : undefined
        }
        if (token === undefined) return false
        const response = await fetch(userinfo, { headers: { Authorization: `Bearer ${token}` } })
        return response.ok
      } catch {
        return false
      }
    },
    { library, userinfo },
  )

/**
 * Signs in through the provider in one tab (a real redirect), opens `tabs - 1` more tabs of the
 * profile, waits until the access token has expired and the renewals have settled
 * (`ttlSeconds + settleSeconds` after the sign-in), and reports what the provider saw.
 *
 * @example
 * const result = await runTabsAtExpiry({ context, baseUrl: demo.url, op: demo.oidc, library: 'authchart', tabs: 2, ttlSeconds: 12 })
 * result.refreshRequests // 1
 */
export async function runTabsAtExpiry(options: {
  context: BrowserContext
  baseUrl: string
  op: OidcProviderFixture
  library: TabsLibrary
  tabs: number
  ttlSeconds: number
  settleSeconds?: number
  opening?: TabsOpening
}): Promise<TabsAtExpiryResult> {
  const { context, op, library, tabs, ttlSeconds } = options
  const opening = options.opening ?? 'oneByOne'
  const url = `${options.baseUrl}${PAGE[library]}`
  const first = await context.newPage()
  await first.goto(url)
  await statusIs(first, 'unauthenticated', 15_000)
  await first.getByRole('button', { name: 'Sign in with the provider' }).click()
  await statusIs(first, 'authenticated', 15_000)
  const signedInAt = Date.now()
  const before = { refreshes: op.refreshRequests().length, reused: op.reusedRefreshTokens() }
  const pages = [first]
  for (let i = 1; i < tabs; i += 1) pages.push(await context.newPage())
  const load = async (page: Page) => {
    await (page === first ? page.reload() : page.goto(url))
    await statusIs(page, 'authenticated', 15_000)
  }
  if (opening === 'together') await Promise.all(pages.map(load))
  else for (const page of pages.slice(1)) await load(page)
  // The renewals happen in the pages on real time: wait out the token's life and a margin for
  // every tab's renewal to reach the provider and settle.
  const until = signedInAt + (ttlSeconds + (options.settleSeconds ?? 5)) * 1000
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())))
  const userinfo = `${op.issuer}/me`
  const working = await Promise.all(pages.map((page) => canCallApi(page, library, userinfo)))
  return {
    library,
    opening,
    tabs,
    refreshRequests: op.refreshRequests().length - before.refreshes,
    reusedRefreshTokens: op.reusedRefreshTokens() - before.reused,
    signedOutTabs: working.filter((ok) => !ok).length,
  }
}
