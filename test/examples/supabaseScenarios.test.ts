// docs/testing.md: the real supabase-js client against the GoTrue emulator, behind the fault
// proxy, under generated scenarios (each scenario gets a fresh emulator state on its own clock).
// The network steps act through the proxy: offline, supabase-js's own requests are cut.
import { createClient } from '@supabase/supabase-js'
import { createSupabaseAdapter, createSupabaseClientOptions } from 'authchart/supabase'
import { type BackendFailure, type FakeClock, runAuthScenarios } from 'authchart/testing'
import { createFaultProxy, type FaultProxy } from 'authchart/testing/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type SupabaseEmulator, startSupabaseEmulator } from '../fixtures/supabase/startSupabaseEmulator.js'

const ada = { email: 'ada@example.com', password: 'correct horse' }
// The emulator cannot commit and then lose an answer: it drops the connection instead.
const failures = { '5xx': 503, '429': 429, drop: 'drop', reset: 'drop', commitThenLose: 'drop' } as const
let emulator: SupabaseEmulator
let proxy: FaultProxy

beforeAll(async () => {
  emulator = await startSupabaseEmulator({ accessTokenTtl: 3_600 })
  proxy = await createFaultProxy({ target: emulator.url })
})
afterAll(async () => {
  await proxy?.close()
  await emulator?.close()
})

it('supabase-js against the GoTrue emulator under generated scenarios', async () => {
  const report = await runAuthScenarios({
    backend: ({ clock }: { clock: FakeClock }) => {
      emulator.reset(() => clock.now()) // the emulator issues tokens on the scenario's time
      emulator.gotrue.addUser(ada.email, ada.password)
      const supabase = createClient(proxy.url, emulator.anonKey, {
        // The scenarios make no data calls: nothing asks this source for a token.
        ...createSupabaseClientOptions(() => {
          throw new Error('no data calls in scenarios')
        }),
        realtime: { transport: WebSocket as never },
      })
      return {
        adapter: createSupabaseAdapter(supabase),
        credentials: ada,
        // supabase-js compares `expires_at` with the real clock: the scenario starts at real time.
        time: 'server',
        control: {
          revokeSession: () => emulator.gotrue.revokeUser(ada.email),
          network: (state) => proxy.setNetwork(state),
          check: () => proxy.check(),
          failNext: (count: number, failure: BackendFailure) =>
            emulator.gotrue.fail('refresh', ...Array<(typeof failures)[BackendFailure]>(count).fill(failures[failure])),
        },
      }
    },
    requestWait: 500,
    timeBudgetMs: 40_000,
  })
  console.log(report.summary)
  expect(report.transitions.covered).toBeGreaterThanOrEqual(40)
  // The network steps acted through the proxy: supabase-js's requests sent offline were cut there.
  expect(proxy.networkCuts).toBeGreaterThan(0)
}, 60_000)
