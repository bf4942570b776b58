import {
  coverageReportHtml,
  createFakeBackend,
  generateAuthScenarios,
  planAuthScenarios,
  replayAuthScenario,
  runAuthScenarios,
  ScenarioFailure,
  type FakeClock,
} from 'authchart/testing'
import { InvalidOptionsError } from 'authchart'
import { describe, expect, it } from 'vitest'

describe('runAuthScenarios on the fake backend', () => {
  // About 300 scenarios: 7.5 s alone on two cores. Wall time is printed, not asserted: in the full
  // suite this file shares the cores with every other one. The count is what the time follows.
  it('the default run covers every state and transition of the chart in a few hundred scenarios', async () => {
    const report = await runAuthScenarios()
    console.log(report.summary)
    expect(report.transitions.missed).toEqual([])
    expect(report.states.missed).toEqual([])
    expect(report.stoppedBecause).toBe('every state and transition of the chart was covered')
    expect(report.leftOut).toEqual([])
    expect(report.scenarios.run).toBeLessThan(400)
  }, 60_000)

  it('leaves out the steps whose control move is missing, and says so for what it did not reach', async () => {
    const report = await runAuthScenarios({
      backend: ({ clock }) => {
        const { adapter, credentials, time } = createFakeBackend({ clock })
        return { adapter, credentials, time, control: {} }
      },
      maxScenarios: 40,
    })
    expect(report.leftOut).toContainEqual({ step: 'server.restarts', reason: 'the backend control has no restart()' })
    expect(report.leftOut).toContainEqual({ step: 'server.failsNext', reason: 'the backend control has no failNext()' })
    expect(report.scenarios.run).toBe(40)
    expect(report.stoppedBecause).toBe('maxScenarios (40) was reached')
    expect(report.summary).toMatch(/step left out: server\.losesStore — the backend control has no loseStore\(\)/)
    expect(report.transitions.missed.length).toBeGreaterThan(0)
    for (const missed of report.transitions.missed) expect(missed.reason).toMatch(/maxScenarios \(40\)/)
    // The drawing marks what the run covered, and says why the rest was missed.
    const html = coverageReportHtml(report.coverage)
    expect(html).toContain('maxScenarios (40) was reached')
    expect(html).toContain(report.transitions.missed[0]?.key)
    // A run cut short still says which steps it left out, and why.
    expect(html).toContain('<code>server.losesStore</code>: the backend control has no loseStore()')
  }, 60_000)

  it('include and exclude choose steps by name; the plan is the same for the same seed', () => {
    const plan = planAuthScenarios({ include: ['tabA.signIn', 'clock.reachesMargin', 'refresh.resolves'], seed: 3 })
    const steps = new Set(plan.flatMap((s) => s.steps))
    expect([...steps].sort()).toEqual(['clock.reachesMargin', 'refresh.resolves', 'tabA.signIn'])
    expect(planAuthScenarios({ include: ['tabA.signIn', 'clock.reachesMargin', 'refresh.resolves'], seed: 3 })).toEqual(
      plan,
    )
    const without = planAuthScenarios({ exclude: ['network.drops'], maxScenarios: 200 })
    expect(without).toHaveLength(200)
    expect(without.some((s) => s.steps.includes('network.drops'))).toBe(false)
  })

  it('a misspelt step in include or exclude, or a bad number, is an InvalidOptionsError, not a run of nothing', async () => {
    expect(() => planAuthScenarios({ include: ['tabA.signin'] })).toThrow(InvalidOptionsError)
    expect(() => planAuthScenarios({ include: ['tabA.signin'] })).toThrow('include: no such step "tabA.signin"')
    await expect(runAuthScenarios({ exclude: ['network.drop'] })).rejects.toThrow(
      'exclude: no such step "network.drop"',
    )
    expect(() => planAuthScenarios({ maxScenarios: -1 })).toThrow('maxScenarios must be an integer ≥ 0, got -1')
    expect(() => planAuthScenarios({ seed: 1.5 })).toThrow(InvalidOptionsError)
    await expect(runAuthScenarios({ timeBudgetMs: Number.NaN })).rejects.toThrow(
      'timeBudgetMs must be a number of ms > 0',
    )
    const clash = { 'tabA.signIn': { run: () => {} } }
    expect(() => planAuthScenarios({ appSteps: clash })).toThrow('appSteps: "tabA.signIn" is a step of the model')
    // Your own steps are steps too.
    const appSteps = { 'app.opensSettings': { in: ['fresh' as const], run: () => {} } }
    expect(planAuthScenarios({ exclude: ['app.opensSettings'], appSteps, maxScenarios: 1 })).toHaveLength(1)
  })

  it('runs your steps and your checks after every step', async () => {
    const seen: string[] = []
    const report = await runAuthScenarios({
      include: ['tabA.signIn', 'clock.reachesMargin', 'refresh.resolves', 'app.opensSettings'],
      appSteps: {
        'app.opensSettings': {
          in: ['fresh'],
          run: async ({ tabs }) => {
            seen.push(`settings:${tabs.A.getSnapshot().status}`)
          },
        },
      },
      checks: [
        ({ tabs, step }) => {
          // The pay button is enabled only while authenticated: here, whether a token is at hand.
          const pay = tabs.A.getSnapshot().status === 'authenticated'
          if (step === 'tabA.signIn' && !pay) return 'the pay button stayed disabled after sign-in'
        },
      ],
    })
    expect(seen).toContain('settings:authenticated')
    expect(report.scenarios.run).toBeGreaterThan(0)
  }, 60_000)
})

describe('a failing run', () => {
  // The fake server with its store in memory: seed 002.
  const memoryStore = { backend: ({ clock }: { clock: FakeClock }) => createFakeBackend({ clock, store: 'memory' }) }

  it('prints the seed and a shrunk list of steps, and the replay fails the same way', async () => {
    const failure = await runAuthScenarios(memoryStore).then(
      () => null,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(ScenarioFailure)
    const { seed, steps, message } = failure as ScenarioFailure
    console.log(message)
    expect(steps).toEqual(['tabA.signIn', 'server.restarts'])
    expect(message).toContain(`seed ${seed}`)
    expect(message).toContain(
      `replayAuthScenario({ ...options, seed: ${seed}, steps: ["tabA.signIn","server.restarts"] })`,
    )
    await expect(
      replayAuthScenario({ ...memoryStore, seed: seed as number, steps: steps as string[] }),
    ).rejects.toThrow(/a restart lost the session/)
    // The durable store passes the same steps.
    await replayAuthScenario({ seed: seed as number, steps: steps as string[] })
  }, 60_000)

  it('a control that throws names the step and the seed, and the run stops', async () => {
    const run = runAuthScenarios({
      include: ['tabA.signIn', 'server.restarts'],
      backend: ({ clock }) => {
        const fake = createFakeBackend({ clock })
        return {
          ...fake,
          control: {
            restart() {
              throw new Error('kill: no such process')
            },
          },
        }
      },
    })
    await expect(run).rejects.toThrow(/step 2 \(server\.restarts\)[\s\S]*seed \d+[\s\S]*threw: kill: no such process/)
  })

  it('a control that never answers fails its step after stepTimeoutMs of wall time, within the budget', async () => {
    const started = Date.now()
    const run = runAuthScenarios({
      include: ['tabA.signIn', 'server.restarts'],
      stepTimeoutMs: 300,
      timeBudgetMs: 3_000,
      backend: ({ clock }) => ({
        ...createFakeBackend({ clock }),
        control: { restart: () => new Promise<void>(() => {}) },
      }),
    }).then(
      () => undefined,
      (error: unknown) => error,
    )
    const failure = await run
    expect(failure).toBeInstanceOf(ScenarioFailure)
    expect((failure as ScenarioFailure).message).toMatch(
      /step 2 \(server\.restarts\)[\s\S]*seed \d+[\s\S]*threw: did not finish within stepTimeoutMs \(300 ms of wall time\)/,
    )
    expect((failure as ScenarioFailure).steps).toEqual(['tabA.signIn', 'server.restarts'])
    // Shrinking replays the hang too; the whole run still ends near its budget, not never.
    expect(Date.now() - started).toBeLessThan(10_000)
    await expect(runAuthScenarios({ stepTimeoutMs: Number.NaN })).rejects.toThrow(
      'stepTimeoutMs must be a number of ms > 0, got NaN',
    )
  }, 30_000)

  it('a step of yours that throws names the step and the seed', async () => {
    const run = runAuthScenarios({
      include: ['tabA.signIn', 'app.crashes'],
      appSteps: {
        'app.crashes': {
          in: ['fresh'],
          run: () => {
            throw new TypeError('cannot read properties of undefined')
          },
        },
      },
    })
    await expect(run).rejects.toThrow(
      /\(app\.crashes\)[\s\S]*seed \d+[\s\S]*threw: cannot read properties of undefined/,
    )
  })
})

describe('a backend control that owns the network', () => {
  // The fake backend behind a network your control takes down: offline, every call that reaches
  // the adapter fails as a real fetch does (a TypeError).
  const offlineFake =
    (network: { down: boolean; sentOffline: number; ups: number; cuts: boolean }) =>
    ({ clock }: { clock: FakeClock }) => {
      const fake = createFakeBackend({ clock })
      const offline =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          if (!network.down) return call(...args)
          network.sentOffline += 1
          if (network.cuts) throw new TypeError('fetch failed')
          return call(...args)
        }
      const { adapter } = fake
      return {
        ...fake,
        adapter: {
          ...adapter,
          signIn: offline(adapter.signIn),
          refresh: offline(adapter.refresh),
          validate: offline((...args: Parameters<NonNullable<typeof adapter.validate>>) => adapter.validate!(...args)),
          signOut: offline((...args: Parameters<NonNullable<typeof adapter.signOut>>) => adapter.signOut!(...args)),
        },
        control: {
          ...fake.control,
          network(state: 'up' | 'down') {
            network.down = state === 'down'
            if (state === 'up') network.ups += 1
          },
        },
      }
    }

  it('offline calls reach your adapter and fail there, where the model expects; each scenario starts online', async () => {
    const network = { down: false, sentOffline: 0, ups: 0, cuts: true }
    // The paths a real network broke before: an offline forced refresh and a second one at once,
    // and a refresh held when the network dropped, retried on waking.
    for (const steps of [
      ['tabA.signIn', 'network.drops', 'tabA.refreshesAgainDuringBackoff', 'network.returns', 'tabA.forceRefresh'],
      ['tabA.signIn', 'clock.reachesMargin', 'network.drops', 'page.wakesWhileBackingOff'],
      [
        'tabA.signIn',
        'clock.reachesMargin',
        'network.drops',
        'refresh.resolves',
        'network.returns',
        'refresh.resolves',
      ],
    ]) {
      await replayAuthScenario({ backend: offlineFake(network), seed: 1, steps })
    }
    expect(network.sentOffline).toBeGreaterThan(0)
    const report = await runAuthScenarios({ backend: offlineFake(network), maxScenarios: 60 })
    expect(report.network).toBe('control')
    expect(report.summary).toContain("network steps: through the backend control's network()")
    // Up before every scenario (and after each that ended offline), so none inherits a dead network.
    expect(network.ups).toBeGreaterThanOrEqual(report.scenarios.run + 3)
    expect(report.leftOut).toEqual([])
  }, 60_000)

  it('a network move that cuts nothing fails the run, naming the call that went through', async () => {
    const network = { down: false, sentOffline: 0, ups: 0, cuts: false }
    await expect(
      replayAuthScenario({
        backend: offlineFake(network),
        seed: 1,
        steps: ['tabA.signIn', 'network.drops', 'tabA.forceRefresh'],
      }),
    ).rejects.toThrow(/step 3 \(tabA\.forceRefresh\)[\s\S]*refresh succeeded while control\.network\('down'\)/)
  })

  it('a network move that throws when the scenario brings the network up names the seed, before step 1', async () => {
    const run = runAuthScenarios({
      backend: ({ clock }) => ({
        ...createFakeBackend({ clock }),
        control: {
          network() {
            throw new Error('the proxy is closed')
          },
        },
      }),
      maxScenarios: 3,
    })
    await expect(run).rejects.toThrow(
      /before step 1 of the path[\s\S]*seed \d+[\s\S]*control\.network\('up'\) threw: the proxy is closed/,
    )
  })

  it('without a network move, the network steps are simulated and the report says so', async () => {
    const report = await runAuthScenarios({ maxScenarios: 5 })
    expect(report.network).toBe('simulated')
    expect(report.summary).toContain('network steps: simulated in front of the adapter')
  })
})

describe('generateAuthScenarios for one vitest test per scenario', () => {
  const scenarios = generateAuthScenarios({ maxScenarios: 5, seed: 9 })
  it('gives the planned scenarios with their seeds', () => {
    expect(scenarios.map((s) => s.seed)).toEqual(planAuthScenarios({ maxScenarios: 5, seed: 9 }).map((s) => s.seed))
  })
  for (const scenario of scenarios) it(scenario.description, () => scenario.run())
})
