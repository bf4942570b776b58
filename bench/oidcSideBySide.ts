// `npm run bench:oidc`: authchart/oidc and oidc-client-ts against the same certified OpenID
// Provider (oidc-provider, rotating refresh tokens, reuse revokes the grant), in real Chromium,
// with 2, 3 and 5 tabs of one profile at the access token's expiry. For each run: the refresh
// requests that reached the provider, the refresh tokens sent twice, and the tabs left signed
// out. Printed as a table and written to bench/oidc-results.json.
import { mkdtemp, rm } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDemo } from '../examples/demo/startDemo.js'
import { launchProfile } from '../test/e2e/launchProfile.js'
import {
  runTabsAtExpiry,
  type TabsAtExpiryResult,
  type TabsLibrary,
  type TabsOpening,
} from '../test/e2e/runTabsAtExpiry.js'

// 15 s tokens. oidc-client-ts renews 5 s before expiry (accessTokenExpiringNotificationTimeInSeconds),
// and authchart's page is given the same 5 s margin, so both renew 10 s after sign-in; the window
// closes 3 s after expiry, before either would renew a second time.
const TTL = 15
const MARGIN_MS = 5_000
const RUNS = Number(process.env.OIDC_BENCH_RUNS ?? 2)
const OPENINGS: TabsOpening[] = ['oneByOne', 'together']

const dataDir = await mkdtemp(join(tmpdir(), 'authchart-oidc-bench-'))
const demo = await startDemo({ dataDir, oidcAccessTokenTtl: TTL, oidcRefreshMargin: MARGIN_MS, log: () => undefined })
const results: TabsAtExpiryResult[] = []
try {
  for (const opening of OPENINGS) {
    for (const tabs of [2, 3, 5]) {
      for (const library of ['authchart', 'oidc-client-ts'] as TabsLibrary[]) {
        for (let run = 0; run < RUNS; run += 1) {
          const profile = await launchProfile()
          try {
            const result = await runTabsAtExpiry({
              context: profile.context,
              baseUrl: demo.url,
              op: demo.oidc,
              library,
              tabs,
              ttlSeconds: TTL,
              settleSeconds: 3,
              opening,
            })
            results.push(result)
            process.stderr.write(`${JSON.stringify(result)}\n`)
          } finally {
            await profile.close()
          }
        }
      }
    }
  }
} finally {
  await demo.close()
  await rm(dataDir, { recursive: true, force: true })
}

const rows = []
for (const opening of OPENINGS) {
  for (const tabs of [2, 3, 5]) {
    for (const library of ['authchart', 'oidc-client-ts'] as TabsLibrary[]) {
      const runs = results.filter((r) => r.opening === opening && r.tabs === tabs && r.library === library)
      const span = (pick: (r: TabsAtExpiryResult) => number) => {
        const values = runs.map(pick)
        const [min, max] = [Math.min(...values), Math.max(...values)]
        return min === max ? String(min) : `${min}–${max}`
      }
      rows.push({
        opening,
        tabs,
        library,
        runs: runs.length,
        refreshRequests: span((r) => r.refreshRequests),
        reusedRefreshTokens: span((r) => r.reusedRefreshTokens),
        signedOutTabs: span((r) => r.signedOutTabs),
      })
    }
  }
}
console.table(rows)
writeFileSync(
  new URL('./oidc-results.json', import.meta.url),
  `${JSON.stringify({ ttlSeconds: TTL, marginMs: MARGIN_MS, runsPerCell: RUNS, rows, results }, null, 2)}\n`,
)
