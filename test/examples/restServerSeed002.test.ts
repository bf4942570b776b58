// docs/testing.md: the REST example against a server whose store is silently in memory (the
// bug of seed 002) fails, and the trace it prints replays the failure.
import { createRestAdapter } from 'authchart/rest'
import { type AuthBackend, replayAuthScenario, runAuthScenarios, ScenarioFailure } from 'authchart/testing'
import { createFaultProxy, type FaultProxy } from 'authchart/testing/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type RestServerProcess, startRestServerProcess } from '../fixtures/rest/restServerProcess.js'

const ada = { email: 'ada@example.com', password: 'lovelace' }
let server: RestServerProcess
let proxy: FaultProxy

beforeAll(async () => {
  // `--ephemeral`: the store lives in the process. The control below does not know it.
  server = await startRestServerProcess(['--ephemeral'])
  proxy = await createFaultProxy({ target: server.url })
})
afterAll(async () => {
  await proxy?.close()
  await server?.stop()
})

const backend = (): AuthBackend<typeof ada> => ({
  adapter: createRestAdapter({ baseUrl: proxy.url }),
  credentials: ada,
  control: { restart: () => server.restart(), network: (state) => proxy.setNetwork(state), check: () => proxy.check() },
})

it('a run on a server that keeps refresh tokens in memory fails with a shrunk, replayable trace', async () => {
  const failure = await runAuthScenarios({ backend, timeBudgetMs: 40_000 }).then(
    (report) => report,
    (error: unknown) => error,
  )
  expect(failure).toBeInstanceOf(ScenarioFailure)
  const { seed, steps, message } = failure as ScenarioFailure
  console.log(message)
  expect(steps).toEqual(['tabA.signIn', 'server.restarts'])
  expect(message).toMatch(/a restart lost the session/)
  expect(message).toContain(
    `replayAuthScenario({ ...options, seed: ${seed}, steps: ["tabA.signIn","server.restarts"] })`,
  )
  // The trace replays: the same steps with the same seed fail the same way.
  await expect(replayAuthScenario({ backend, seed: seed ?? 0, steps: steps ?? [] })).rejects.toThrow(
    /step 2 \(server\.restarts\)[\s\S]*a restart lost the session/,
  )
}, 60_000)
