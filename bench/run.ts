// `npm run bench`: every figure of docs/benchmarks.md, printed as a table and written to
// bench/results.json. Absolute times depend on the machine; quote the ratios.
import { writeFileSync } from 'node:fs'
import { arch, cpus, platform, totalmem } from 'node:os'
import { benchBundleSize } from './bundleSize.js'
import { benchHotPath } from './hotPath.js'
import { benchHeapPerClient, benchMemory } from './memory.js'
import { benchOneClientStorm, benchTabStorm } from './refreshStorms.js'
import { printResults } from './printResults.js'
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

console.log(`\n${printResults(results)}`)
