// `npm run bench`: every figure of docs/benchmarks.md, printed as a table and written to
// bench/results.json. Absolute times depend on the machine; quote the ratios.
import { writeFileSync } from 'node:fs'
import { arch, cpus, platform, totalmem } from 'node:os'
import { benchBundleSize } from './bundleSize.js'
import { benchHotPath } from './hotPath.js'
import { benchHeapPerClient, benchMemory } from './memory.js'
import { benchOneClientStorm, benchTabStorm } from './refreshStorms.js'

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

const results = {
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
  hotPath,
  oneClient,
  tabs,
  memory,
  size,
  seconds: Math.round((Date.now() - started) / 1000),
}
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)

const f = (n: number, digits = 0) => n.toFixed(digits)
console.log('\n1. Hot path (median of 7 runs)')
console.table({
  'Promise.resolve(token)': { 'ns/op': f(hotPath.promiseResolveNs), ratio: '1.00' },
  'authchart getToken()': { 'ns/op': f(hotPath.getTokenNs), ratio: f(hotPath.getTokenVsPromiseResolve, 2) },
  'auth-js getSession()': {
    'ns/op': f(hotPath.authJsGetSessionNs),
    ratio: f(hotPath.authJsGetSessionNs / hotPath.promiseResolveNs, 1),
  },
  'auth-js getSession(), 2.5 KB session': {
    'ns/op': f(hotPath.authJsGetSessionRealisticNs),
    ratio: f(hotPath.authJsGetSessionRealisticNs / hotPath.promiseResolveNs, 1),
  },
})
console.log(`2. Refresh storm, one client, ${oneClient.calls} concurrent calls with the token due`)
console.table({
  'authchart getToken()': oneClient.authchart,
  'auth-js getSession()': oneClient.authJsGetSession,
  'auth-js refreshSession()': oneClient.authJsRefreshSession,
})
console.log('3. Refresh storm, many tabs sharing storage, 100 calls per tab, one expiry')
console.table(
  Object.fromEntries(
    tabs.flatMap((t) => [
      [`authchart, ${t.tabs} tabs`, t.authchart],
      [`auth-js, ${t.tabs} tabs`, t.authJs],
    ]),
  ),
)
console.log('4. Memory')
console.table({ memory })
console.log('5. Bundle size, min+gzip KB')
console.table(Object.fromEntries(size.entries.map(({ entry, ...rest }) => [entry, rest])))
console.table(size.peers)
console.log(`bench/results.json written (${results.seconds} s)`)
