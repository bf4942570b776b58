// `npm run bench`: every figure of docs/benchmarks.md, printed as a table and written to
// bench/results.json. Absolute times depend on the machine; quote the ratios.
import { writeFileSync } from 'node:fs'
import { arch, cpus, platform, totalmem } from 'node:os'
import { benchBundleSize } from './bundleSize.js'
import { benchHotPath } from './hotPath.js'
import { benchHeapPerClient, benchMemory } from './memory.js'
import { benchOneClientStorm, benchTabStorm } from './refreshStorms.js'
import { roundFigures } from './roundFigures.js'

const versions = async (names: string[]) =>
  Object.fromEntries(
    await Promise.all(
      names.map(async (name) => [
        name,
        ((await import(`${name}/package.json`, { with: { type: 'json' } })).default as { version: string }).version,
      ]),
    ),
  )

const started = Date.now()
const hotPath = await benchHotPath()
const oneClient = await benchOneClientStorm()
const tabs = [await benchTabStorm(2), await benchTabStorm(3), await benchTabStorm(5)]
const memory = { ...(await benchMemory(10_000)), ...(await benchHeapPerClient(200)) }
const size = await benchBundleSize()

// One rounded object: what results.json holds is what the tables print.
const results = roundFigures({
  machine: {
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
  },
  versions: await versions([
    'xstate',
    'zod',
    'jose',
    '@supabase/auth-js',
    'oidc-client-ts',
    '@auth0/auth0-spa-js',
    'esbuild',
  ]),
  hotPath: {
    ...hotPath,
    authJsVsPromiseResolve: hotPath.authJsGetSessionNs / hotPath.promiseResolveNs,
    authJsRealisticVsPromiseResolve: hotPath.authJsGetSessionRealisticNs / hotPath.promiseResolveNs,
  },
  oneClient,
  tabs,
  memory,
  size,
  seconds: Math.round((Date.now() - started) / 1000),
})
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)

const r = results
const storm = ({ requests, ms, failed }: { requests: number; ms: number; failed: number }) => ({
  'refresh requests': requests,
  'to the last answer': `${ms} ms`,
  'failed calls': failed,
})
const tabRow = (row: { requests: number; failed: number; refreshTokensSentTwice: number }) => ({
  'refresh requests': row.requests,
  'refresh tokens sent twice': row.refreshTokensSentTwice,
  'failed calls': row.failed,
})
const kb = (n: number | undefined) => (n === undefined ? '' : `${n} KB`)

console.log(`\n1. Hot path: time per call, median of ${r.hotPath.runs} runs`)
console.table({
  'Promise.resolve(token)': { 'per call': `${r.hotPath.promiseResolveNs} ns`, 'vs Promise.resolve': '1.00×' },
  'authchart getToken()': {
    'per call': `${r.hotPath.getTokenNs} ns`,
    'vs Promise.resolve': `${r.hotPath.getTokenVsPromiseResolve}×`,
  },
  'auth-js getSession()': {
    'per call': `${r.hotPath.authJsGetSessionNs} ns`,
    'vs Promise.resolve': `${r.hotPath.authJsVsPromiseResolve}×`,
  },
  'auth-js getSession(), 2.5 KB session': {
    'per call': `${r.hotPath.authJsGetSessionRealisticNs} ns`,
    'vs Promise.resolve': `${r.hotPath.authJsRealisticVsPromiseResolve}×`,
  },
})
console.log(`2. Refresh storm, one client, ${r.oneClient.calls} concurrent calls with the token due`)
console.table({
  'authchart getToken()': storm(r.oneClient.authchart),
  'auth-js getSession()': storm(r.oneClient.authJsGetSession),
  'auth-js refreshSession()': storm(r.oneClient.authJsRefreshSession),
})
console.log('3. Refresh storm, many tabs sharing storage, 100 calls per tab, one expiry')
console.table(
  Object.fromEntries(
    r.tabs.flatMap((t) => [
      [`authchart, ${t.tabs} tabs`, tabRow(t.authchart)],
      [`auth-js, ${t.tabs} tabs`, tabRow(t.authJs)],
    ]),
  ),
)
console.log('4. Memory')
console.table({
  [`heap per signed-in client (${r.memory.clients} held at once)`]: { value: `${r.memory.perClientKb} KB` },
  [`heap growth per refresh cycle (${r.memory.cycles} cycles)`]: { value: `${r.memory.growthBytesPerCycle} B` },
})
console.log('5. Bundle size, minified and gzipped')
console.table(
  Object.fromEntries(
    r.size.entries.map((e) => [
      e.entry,
      {
        'with deps': kb(e.withDepsKb),
        'without xstate': kb(e.withoutXstateKb),
        'own code': kb(e.ownCodeKb),
        'over core': e.overCoreKb === 0 ? '—' : kb(e.overCoreKb),
      },
    ]),
  ),
)
console.table(Object.fromEntries(Object.entries(r.size.peers).map(([name, size]) => [name, { size: kb(size) }])))
console.log(`bench/results.json written (${r.seconds} s)`)
