import { expect, it } from 'vitest'
import { describeInBrowser, useDemoWithProfiles } from './browser.js'
import { runTabsAtExpiry } from './runTabsAtExpiry.js'

// 12 s access tokens refreshed 3 s before expiry: due 9 s after sign-in (time enough to open the
// second tab first), and the new token is not due until 18 s, after the window the test counts in.
const TTL = 12
const MARGIN_MS = 3_000

describeInBrowser('OIDC in Chromium against oidc-provider', () => {
  const env = useDemoWithProfiles({ oidcAccessTokenTtl: TTL, oidcRefreshMargin: MARGIN_MS })

  it('a full redirect sign-in, a second tab, expiry: one refresh reaches the provider, both tabs stay signed in', async () => {
    const result = await runTabsAtExpiry({
      context: env.profile.context,
      baseUrl: env.demo.url,
      op: env.demo.oidc,
      library: 'authchart',
      tabs: 2,
      ttlSeconds: TTL,
      // Counted until 15 s: the token has expired, and the next refresh is 3 s away.
      settleSeconds: 3,
    })
    expect(result).toEqual({
      library: 'authchart',
      opening: 'oneByOne',
      tabs: 2,
      refreshRequests: 1,
      reusedRefreshTokens: 0,
      signedOutTabs: 0,
    })
  }, 60_000)
})
