import { formatTable } from './formatTable.js'

interface Storm {
  requests: number
  ms: number
  failed: number
}
interface TabSide {
  requests: number
  failed: number
  refreshTokensSentTwice: number
}

/** What `npm run bench` measured, as `bench/results.json` holds it (rounded by `roundFigures`). */
export interface BenchResults {
  hotPath: {
    runs: number
    promiseResolveNs: number
    getTokenNs: number
    authJsGetSessionNs: number
    authJsGetSessionRealisticNs: number
    getTokenVsPromiseResolve: number
    authJsVsPromiseResolve: number
    authJsRealisticVsPromiseResolve: number
  }
  oneClient: { calls: number; authchart: Storm; authJsGetSession: Storm; authJsRefreshSession: Storm }
  tabs: { tabs: number; authchart: TabSide; authJs: TabSide }[]
  memory: { clients: number; perClientKb: number; cycles: number; growthBytesPerCycle: number }
  size: {
    entries: { entry: string; withDepsKb?: number; withoutXstateKb?: number; ownCodeKb: number; overCoreKb: number }[]
    peers: Record<string, number>
  }
  seconds: number
}

const storm = ({ requests, ms, failed }: Storm) => ({
  'refresh requests': requests,
  'to the last answer': `${ms} ms`,
  'failed calls': failed,
})
const tabRow = (side: TabSide) => ({
  'refresh requests': side.requests,
  'refresh tokens sent twice': side.refreshTokensSentTwice,
  'failed calls': side.failed,
})
const kb = (n: number | undefined) => (n === undefined ? '' : `${n} KB`)

/**
 * The benchmark's figures as a person reads them: Markdown tables, each figure with its unit,
 * the same rounded numbers `bench/results.json` holds.
 *
 * @example
 * console.log(printResults(JSON.parse(readFileSync('bench/results.json', 'utf8'))))
 */
export function printResults(r: BenchResults): string {
  const { hotPath: hot, oneClient, memory, size } = r
  const perCall = (ns: number, ratio: number | string) => ({
    'per call': `${ns} ns`,
    'vs Promise.resolve': `${ratio}×`,
  })
  return [
    `1. Hot path: time per call, median of ${hot.runs} runs`,
    formatTable({
      'Promise.resolve(token)': perCall(hot.promiseResolveNs, '1.00'),
      'authchart getToken()': perCall(hot.getTokenNs, hot.getTokenVsPromiseResolve),
      'auth-js getSession()': perCall(hot.authJsGetSessionNs, hot.authJsVsPromiseResolve),
      'auth-js getSession(), 2.5 KB session': perCall(
        hot.authJsGetSessionRealisticNs,
        hot.authJsRealisticVsPromiseResolve,
      ),
    }),
    '',
    `2. Refresh storm, one client, ${oneClient.calls} concurrent calls with the token due`,
    formatTable({
      'authchart getToken()': storm(oneClient.authchart),
      'auth-js getSession()': storm(oneClient.authJsGetSession),
      'auth-js refreshSession()': storm(oneClient.authJsRefreshSession),
    }),
    '',
    '3. Refresh storm, many tabs sharing storage, 100 calls per tab, one expiry',
    formatTable(
      Object.fromEntries(
        r.tabs.flatMap((t) => [
          [`authchart, ${t.tabs} tabs`, tabRow(t.authchart)],
          [`auth-js, ${t.tabs} tabs`, tabRow(t.authJs)],
        ]),
      ),
    ),
    '',
    '4. Memory',
    formatTable({
      [`heap per signed-in client (${memory.clients} held at once)`]: { value: `${memory.perClientKb} KB` },
      [`heap growth per refresh cycle (${memory.cycles} cycles)`]: { value: `${memory.growthBytesPerCycle} B` },
    }),
    '',
    '5. Bundle size, minified and gzipped',
    formatTable(
      Object.fromEntries(
        size.entries.map((e) => [
          e.entry,
          {
            'with deps': kb(e.withDepsKb),
            'without xstate': kb(e.withoutXstateKb),
            'own code': kb(e.ownCodeKb),
            'over core': e.overCoreKb === 0 ? '—' : kb(e.overCoreKb),
          },
        ]),
      ),
    ),
    '',
    formatTable(Object.fromEntries(Object.entries(size.peers).map(([name, kbs]) => [name, { size: kb(kbs) }]))),
    '',
    `bench/results.json written (${r.seconds} s)`,
  ].join('\n')
}
