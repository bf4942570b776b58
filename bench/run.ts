// `npm run bench`: every figure of docs/benchmarks.md, printed as tables and written to
// bench/results.json. Absolute times depend on the machine and its load; every comparison here is
// made side by side in the same run, so quote the ratios.
import { writeFileSync } from 'node:fs'
import { arch, cpus, loadavg, platform, totalmem } from 'node:os'
import { benchBundleSize } from './bundleSize.js'
import { benchHotPath } from './hotPath.js'
import { benchCpuPerClient, benchHeapPerClient, benchMemory } from './memory.js'
import { benchOneClientStorm, benchTabStorm } from './refreshStorms.js'
import { benchSettleRatio } from './settleRatio.js'

const versions = async (names: string[]) =>
  Object.fromEntries(
    await Promise.all(
      names.map(async (name) => [
        name,
        ((await import(`${name}/package.json`, { with: { type: 'json' } })).default as { version: string }).version,
      ]),
    ),
  )

/** Three significant digits for every fraction in results.json: the noise is far larger. */
function tidy(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(3))
  if (Array.isArray(value)) return value.map(tidy)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, tidy(v)]))
  }
  return value
}

const started = Date.now()
const loadBefore = loadavg()[0] ?? 0
/** Seconds each part took, so the run's length can be kept under about five minutes. */
const sectionSeconds: Record<string, number> = {}
async function section<T>(name: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now()
  const value = await run()
  sectionSeconds[name] = (performance.now() - start) / 1000
  return value
}
const hotPath = await section('hotPath', benchHotPath)
const oneClient = await section('oneClientStorm', benchOneClientStorm)
const tabs = await section('tabStorms', async () => [
  await benchTabStorm(2),
  await benchTabStorm(3),
  await benchTabStorm(5),
])
const settle = await section('settleRatio', benchSettleRatio)
const memory = await section('memory', async () => ({
  ...(await benchMemory(3_000)),
  ...(await benchHeapPerClient(200)),
}))
const cpuPerClient = await section('cpuPerClient', () => benchCpuPerClient(1_000))
const size = await section('size', benchBundleSize)

const settleAt = (delayMs: number, tabCount: number, library = 'authchart') => {
  const row = settle.rows.find((r) => r.delayMs === delayMs && r.tabs === tabCount && r.library === library)
  if (!row) throw new Error(`no settle row for ${library}, ${delayMs} ms, ${tabCount} tabs`)
  return row
}

/** The figures the issue sets goals for, each beside its goal. */
const summary = {
  hotPath: {
    getTokenVsPromiseResolve: hotPath.getTokenVsPromiseResolve,
    getTokenFakeClockVsPromiseResolve: hotPath.getTokenFakeClockVsPromiseResolve,
    goal: 2,
  },
  settle: {
    oneClient100ms: settleAt(100, 1).ratio,
    fiveTabs100ms: settleAt(100, 5).ratio,
    oneClient20ms: settleAt(20, 1).ratio,
    fiveTabs20ms: settleAt(20, 5).ratio,
    goal: settle.goal.ratio,
  },
  perClient: {
    heapKb: memory.perClientKb,
    goalHeapKb: 15,
    cpuMs: cpuPerClient.cpuMs,
    goalCpuMs: 0.2,
  },
  size: size.versusAuthJs,
}

const results = tidy({
  machine: {
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadBefore,
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
  summary,
  hotPath,
  oneClient,
  tabs,
  settle,
  memory,
  cpuPerClient,
  size,
  sectionSeconds,
  seconds: Math.round((Date.now() - started) / 1000),
}) as { seconds: number }
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)

// The tables print each figure as results.json holds it (`tidy`'s three significant digits),
// with its unit, so the two never disagree.
const figure = (n: number) => (tidy(n) as number).toLocaleString('en-US', { maximumFractionDigits: 20 })
const ns = (n: number) => `${figure(n)} ns`
const times = (n: number) => `${figure(n)}×`
const ms = (n: number) => `${figure(n)} ms`
const kb = (n: number) => `${figure(n)} KB`
const bytes = (n: number) => `${figure(n)} B`
const verdict = (met: boolean) => (met ? 'met' : 'NOT met')

console.log(`\nLoad average at start: ${loadBefore.toFixed(1)} on ${cpus().length} cores.`)
console.log(`\n1. Hot path, getToken() with a valid session held (median of ${hotPath.rounds} interleaved rounds)`)
console.table({
  'Promise.resolve(token)': { time: ns(hotPath.promiseResolveNs), 'vs Promise.resolve': times(1) },
  'Promise.resolve(token) after one Date.now()': {
    time: ns(hotPath.promiseResolveDateNowNs),
    'vs Promise.resolve': times(hotPath.promiseResolveDateNowVsPromiseResolve),
  },
  'authchart getToken(), default clock': {
    time: ns(hotPath.getTokenNs),
    'vs Promise.resolve': times(hotPath.getTokenVsPromiseResolve),
  },
  'authchart getToken(), fake clock': {
    time: ns(hotPath.getTokenFakeClockNs),
    'vs Promise.resolve': times(hotPath.getTokenFakeClockVsPromiseResolve),
  },
  'auth-js getSession()': {
    time: ns(hotPath.authJsGetSessionNs),
    'vs Promise.resolve': times(hotPath.authJsGetSessionNs / hotPath.promiseResolveNs),
  },
  'auth-js getSession(), 2.5 KB session': {
    time: ns(hotPath.authJsGetSessionRealisticNs),
    'vs Promise.resolve': times(hotPath.authJsGetSessionRealisticNs / hotPath.promiseResolveNs),
  },
})
console.log(`2. Refresh storm, one client, ${oneClient.calls} concurrent calls with the token due, instant server`)
const stormRow = (row: { requests: number; ms: number; failed: number }) => ({
  requests: row.requests,
  'to the last answer': ms(row.ms),
  failed: row.failed,
})
console.table({
  'authchart getToken()': stormRow(oneClient.authchart),
  'auth-js getSession()': stormRow(oneClient.authJsGetSession),
  'auth-js refreshSession()': stormRow(oneClient.authJsRefreshSession),
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
console.log(
  `4. Settle ratio: ${settle.rows[0]?.callers} callers meet a due token, the server answers after a real delay;` +
    ` time until every caller settled / one round trip (median of ${settle.runs} runs)`,
)
console.table(
  Object.fromEntries(
    settle.rows.map((r) => [
      `${r.library}, ${r.tabs === 1 ? 'one client' : `${r.tabs} tabs`}, ${r.delayMs} ms`,
      {
        ratio: times(r.ratio),
        best: times(r.bestRatio),
        worst: times(r.worstRatio),
        settled: ms(r.settleMs),
        'round trip': ms(r.roundTripMs),
        requests: r.requestsPerRun,
        failed: r.failed,
      },
    ]),
  ),
)
console.log('5. Memory and cost per client (fake adapter, fake clock)')
console.table({
  'heap per signed-in client': { value: kb(memory.perClientKb), goal: '15.0 KB', measured: `${memory.clients} held` },
  'CPU to create and sign in one client': {
    value: ms(cpuPerClient.cpuMs),
    goal: '0.200 ms',
    measured: `${cpuPerClient.clients} clients, wall ${ms(cpuPerClient.wallMs)}`,
  },
  'heap growth per refresh cycle': {
    value: `${Math.round(memory.growthBytesPerCycle)} B`,
    goal: '~0 B',
    measured: `${memory.cycles} cycles`,
  },
})
console.log('6. Bundle size, esbuild minified + gzip -9')
console.table(
  Object.fromEntries(
    size.entries.map((e) => [
      e.entry,
      {
        'with deps': kb(e.withDepsKb),
        'without xstate': kb(e.withoutXstateKb),
        'own code': kb(e.ownCodeKb),
        'over core': kb(e.overCoreKb),
      },
    ]),
  ),
)
console.table(Object.fromEntries(Object.entries(size.peers).map(([name, value]) => [name, { size: kb(value) }])))

const v = size.versusAuthJs
console.log('Goals (issue 14)')
console.table({
  'getToken() / Promise.resolve, default clock': {
    measured: times(summary.hotPath.getTokenVsPromiseResolve),
    goal: `≤ ${times(summary.hotPath.goal)}`,
    verdict: verdict(summary.hotPath.getTokenVsPromiseResolve <= summary.hotPath.goal),
  },
  'settle / round trip, 100 ms, one client': {
    measured: times(summary.settle.oneClient100ms),
    goal: `≤ ${times(summary.settle.goal)}`,
    verdict: verdict(summary.settle.oneClient100ms <= summary.settle.goal),
  },
  'settle / round trip, 100 ms, 5 tabs': {
    measured: times(summary.settle.fiveTabs100ms),
    goal: `≤ ${times(summary.settle.goal)}`,
    verdict: verdict(summary.settle.fiveTabs100ms <= summary.settle.goal),
  },
  'heap per signed-in client': {
    measured: kb(summary.perClient.heapKb),
    goal: `≤ ${kb(summary.perClient.goalHeapKb)}`,
    verdict: verdict(summary.perClient.heapKb <= summary.perClient.goalHeapKb),
  },
  'CPU to create and sign in a client': {
    measured: ms(summary.perClient.cpuMs),
    goal: `≤ ${ms(summary.perClient.goalCpuMs)}`,
    verdict: verdict(summary.perClient.cpuMs <= summary.perClient.goalCpuMs),
  },
  'authchart with deps vs @supabase/auth-js': {
    measured: `${bytes(v.authchartWithDepsBytes)} vs ${bytes(v.authJsBytes)} (${times(v.ratio)})`,
    goal: 'under auth-js',
    verdict: verdict(v.authchartWithDepsBytes < v.authJsBytes),
  },
  'authchart own code': {
    measured: bytes(v.ownCodeBytes),
    goal: `≤ ${bytes(v.goal.ownCodeBytes)}`,
    verdict: verdict(v.ownCodeBytes <= v.goal.ownCodeBytes),
  },
})
const parts = Object.entries(sectionSeconds).map(([name, seconds]) => `${name} ${Math.round(seconds)} s`)
console.log(`bench/results.json written (${results.seconds} s: ${parts.join(', ')})`)
