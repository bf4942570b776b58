import { type AnyStateMachine, getInitialSnapshot, getNextSnapshot, type SnapshotFrom } from 'xstate'
import { authMachine } from '../../machines/authMachine.js'
import { InvalidOptionsError } from '../errors.js'
import { AUTH_ENVIRONMENT_EVENTS, type AuthEnvironmentEvent, authEnvironmentModel } from './authEnvironmentModel.js'
import type { AuthBackend, BackendControl } from './AuthBackend.js'
import { chartStates, chartTransitions } from './chartTransitions.js'
import { ScenarioFailure, seededRandom } from './createAuthWorld.js'
import { createFakeBackend } from './createFakeBackend.js'
import { createFakeClock } from './createFakeClock.js'
import type { FakeCredentials } from './createFakeAdapter.js'
import { authEnvironmentPaths } from './generateAuthScenarios.js'
import { recordCoverage } from './recordCoverage.js'
import { type AuthScenarioRunOptions, describeScenario, runAuthScenario } from './runAuthScenario.js'
import { STEP_MOVES } from './stepMoves.js'
import type { ChartCoverage } from './coverageReportHtml.js'

/** How a run chooses its scenarios; every field is optional. */
export interface AuthScenariosOptions<Credentials = FakeCredentials> extends AuthScenarioRunOptions<Credentials> {
  /** Seeds the order of equally good scenarios and each scenario's choices. Default 1. */
  seed?: number
  /** Stop after this many scenarios. Default: no limit. */
  maxScenarios?: number
  /** Start no scenario that would end after this many ms of wall time. Default 45 000. */
  timeBudgetMs?: number
  /** Only these steps (by name), where the model can still reach them. Default: every step. An unknown name throws `InvalidOptionsError`. */
  include?: ReadonlyArray<string>
  /** Leave these steps out. An unknown name throws `InvalidOptionsError`. */
  exclude?: ReadonlyArray<string>
  /** Keep running after every transition of the chart is covered, until every model edge is. Default false. */
  exhaustive?: boolean
  /** The chart whose coverage is reported. Default `authMachine`. */
  machine?: AnyStateMachine
  /** Where progress lines go (one per scenario). Default: none. */
  log?: (line: string) => void
}

/** What a run reached and what it left out. */
export interface AuthCoverageReport {
  seed: number
  scenarios: { run: number; available: number }
  durationMs: number
  states: { covered: number; total: number; missed: string[] }
  transitions: { covered: number; total: number; missed: Array<{ key: string; reason: string }> }
  /** Steps the run left out, and why (`excluded`, or the control move that is missing). */
  leftOut: Array<{ step: string; reason: string }>
  /**
   * How `network.drops` / `network.returns` acted: `control` through your control's `network`
   * move (calls made offline reached your adapter and failed there), `simulated` in front of
   * your adapter (the control has no `network`).
   */
  network: 'control' | 'simulated'
  /** Why the run stopped. */
  stoppedBecause: string
  /** The report as text, for the test log. */
  summary: string
  /** What was covered, with why each missed transition was: give it to `writeCoverageReport` (`authchart/testing/node`) to draw it. */
  coverage: ChartCoverage
}

interface Candidate {
  steps: string[]
  edges: string[]
  /** Each step with the model state and the parts of the world that steer the chart. */
  moves: string[]
  /** Each move with the step before it: what the chart was doing when it came. */
  pairs: string[]
}

type ModelSnapshot = SnapshotFrom<typeof authEnvironmentModel>
const modelSteps = new Set<string>(AUTH_ENVIRONMENT_EVENTS)
const stateKey = (s: ModelSnapshot) => JSON.stringify([s.value, s.context])

function hashSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0
  h = Math.imul(h ^ (index + 0x85ebca6b), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

// The model edges a path takes, and whether the model accepts it at all.
function walk(steps: ReadonlyArray<string>, userStates: (name: string) => ReadonlyArray<string>) {
  let snapshot = getInitialSnapshot(authEnvironmentModel)
  const edges: string[] = []
  const moves: string[] = []
  const pairs: string[] = []
  let previous = '(start)'
  for (const type of steps) {
    const { network, server, lock } = snapshot.context
    const move = `${String(snapshot.value)} ${network} ${server} ${lock} ${type}`
    moves.push(move)
    pairs.push(`${previous} ${move}`)
    previous = type
    if (modelSteps.has(type)) {
      const event = { type } as AuthEnvironmentEvent
      if (!snapshot.can(event)) return null
      edges.push(`${stateKey(snapshot)} ${type}`)
      snapshot = getNextSnapshot(authEnvironmentModel, snapshot, event)
    } else {
      if (!userStates(type).includes(String(snapshot.value))) return null
      edges.push(`${String(snapshot.value)} ${type}`)
    }
  }
  return { edges, moves, pairs }
}

// Steps about a stored session with no refresh token, which only ends when nothing can refresh it.
const TOKENLESS_STEPS = new Set<string>([
  'page.reloadsWithExpiredTokenlessSession',
  'page.reloadsWithRevokedTokenlessSession',
  'page.reloadsWithTokenlessSessionComingDue',
])

/** Which steps a run may take, and why the others are left out. */
export function selectSteps<Credentials>(
  options: Pick<
    AuthScenariosOptions<Credentials>,
    'include' | 'exclude' | 'appSteps' | 'seed' | 'maxScenarios' | 'timeBudgetMs' | 'stepTimeoutMs'
  >,
  backend: Pick<AuthBackend<unknown>, 'control'> & { adapter?: AuthBackend<unknown>['adapter'] },
) {
  const { control } = backend
  const allowed = new Set<string>()
  const leftOut: Array<{ step: string; reason: string }> = []
  const steps = [...AUTH_ENVIRONMENT_EVENTS, ...Object.keys(options.appSteps ?? {})]
  // A NaN budget would never run out; a fractional seed would print one that replays another run.
  const numbers = [
    ['seed', options.seed, Number.isSafeInteger(options.seed), 'an integer'],
    [
      'maxScenarios',
      options.maxScenarios,
      Number.isSafeInteger(options.maxScenarios) && options.maxScenarios! >= 0,
      'an integer ≥ 0',
    ],
    [
      'timeBudgetMs',
      options.timeBudgetMs,
      Number.isFinite(options.timeBudgetMs) && options.timeBudgetMs! > 0,
      'a number of ms > 0',
    ],
    [
      'stepTimeoutMs',
      options.stepTimeoutMs,
      Number.isFinite(options.stepTimeoutMs) && options.stepTimeoutMs! > 0,
      'a number of ms > 0',
    ],
  ] as const
  for (const [name, value, valid, what] of numbers) {
    if (value !== undefined && !valid) throw new InvalidOptionsError(`${name} must be ${what}, got ${String(value)}`)
  }
  // A step of yours named as one of the model's would replace it silently, and the model's checks would then lie.
  const clashing = Object.keys(options.appSteps ?? {}).filter((step) => modelSteps.has(step))
  if (clashing.length > 0) {
    throw new InvalidOptionsError(
      `appSteps: ${clashing.map((step) => JSON.stringify(step)).join(', ')} is a step of the model; name yours apart (e.g. "app.…")`,
    )
  }
  // A misspelt name would otherwise leave a run of nothing (include) or keep the step (exclude).
  for (const option of ['include', 'exclude'] as const) {
    const unknown = (options[option] ?? []).filter((step) => !steps.includes(step))
    if (unknown.length > 0) {
      throw new InvalidOptionsError(
        `${option}: no such step ${unknown.map((step) => JSON.stringify(step)).join(', ')} (a step of the model or of appSteps)`,
      )
    }
  }
  for (const step of steps) {
    const move = STEP_MOVES[step as keyof typeof STEP_MOVES]
    if (options.include !== undefined && !options.include.includes(step)) leftOut.push({ step, reason: 'not included' })
    else if (options.exclude?.includes(step)) leftOut.push({ step, reason: 'excluded' })
    else if (TOKENLESS_STEPS.has(step) && backend.adapter?.refreshesWithoutToken === true) {
      leftOut.push({
        step,
        reason: 'the adapter refreshes without a refresh token, so a tokenless session is no dead end',
      })
    } else if (move !== undefined && typeof control?.[move] !== 'function') {
      leftOut.push({ step, reason: `the backend control has no ${move}()` })
    } else allowed.add(step)
  }
  return { allowed, leftOut }
}

function candidatesOf<Credentials>(options: AuthScenariosOptions<Credentials>, allowed: ReadonlySet<string>) {
  const userStates = (name: string) => options.appSteps?.[name]?.in ?? ['signedOut', 'fresh', 'due']
  const paths = authEnvironmentPaths(allowed).map((events) => events.map((e) => e.type as string))
  // Your steps: after the shortest path to each model state they are taken in.
  const prefixes = new Map<string, string[]>([['signedOut', []]])
  for (const path of paths) {
    let snapshot = getInitialSnapshot(authEnvironmentModel)
    path.forEach((type, i) => {
      snapshot = getNextSnapshot(authEnvironmentModel, snapshot, { type } as AuthEnvironmentEvent)
      const known = prefixes.get(String(snapshot.value))
      if (known === undefined || known.length > i + 1) prefixes.set(String(snapshot.value), path.slice(0, i + 1))
    })
  }
  for (const name of Object.keys(options.appSteps ?? {})) {
    if (!allowed.has(name)) continue
    for (const state of userStates(name)) {
      const prefix = prefixes.get(state)
      if (prefix !== undefined) paths.push([...prefix, name])
    }
  }
  return paths.map((steps): Candidate => ({
    steps,
    ...(walk(steps, userStates) ?? { edges: [], moves: [], pairs: [] }),
  }))
}

/**
 * Orders the paths greedily, coverage first: next comes the path with a step never taken, else
 * one that takes a step in a new situation (the model state with the network, the server and the
 * lock), else a step after a new predecessor, else a new edge of the model; shorter paths first,
 * ties broken by the seed. The chart's transitions hang on those situations, so the run reaches
 * them in a few hundred paths instead of every shortest path.
 */
function orderCandidates(pool: Candidate[], random: () => number): Candidate[] {
  const candidates = [...pool]
  const order: Candidate[] = []
  const takenEdges = new Set<string>()
  const takenSteps = new Set<string>()
  const takenMoves = new Set<string>()
  const takenPairs = new Set<string>()
  const count = (items: string[], taken: Set<string>) => {
    let n = 0
    for (const item of items) if (!taken.has(item)) n += 1
    return n
  }
  while (candidates.length > 0) {
    let best = 0
    let bestScore = -Infinity
    for (const [i, c] of candidates.entries()) {
      const score =
        count(c.steps, takenSteps) * 10_000 +
        (count(c.moves, takenMoves) > 0 ? 1_000 : 0) +
        (count(c.pairs, takenPairs) > 0 ? 100 : 0) +
        (count(c.edges, takenEdges) > 0 ? 10 : 0) -
        c.steps.length +
        random() * 0.5
      if (score > bestScore) {
        best = i
        bestScore = score
      }
    }
    const [chosen] = candidates.splice(best, 1) as [Candidate]
    order.push(chosen)
    for (const step of chosen.steps) takenSteps.add(step)
    for (const edge of chosen.edges) takenEdges.add(edge)
    for (const move of chosen.moves) takenMoves.add(move)
    for (const pair of chosen.pairs) takenPairs.add(pair)
  }
  return order
}

/**
 * The scenarios a run would take, in its order (coverage first), with their seeds: for one
 * vitest test per scenario. Honours `seed`, `include`, `exclude`, `appSteps` and `maxScenarios`.
 *
 * @example
 * for (const { steps, seed } of planAuthScenarios({ maxScenarios: 50 })) console.log(seed, steps.join(' → '))
 */
export function planAuthScenarios<Credentials = FakeCredentials>(
  options: AuthScenariosOptions<Credentials> = {},
): Array<{ steps: string[]; seed: number }> {
  const seed = options.seed ?? 1
  const { allowed } = selectSteps(options, backendOf(options))
  const plan = orderCandidates(candidatesOf(options, allowed), seededRandom(seed))
  return plan.slice(0, options.maxScenarios ?? plan.length).map((c, i) => ({ steps: c.steps, seed: hashSeed(seed, i) }))
}

function backendOf<Credentials>(options: AuthScenariosOptions<Credentials>) {
  const { backend } = options
  if (backend === undefined) return createFakeBackend()
  // A backend built per scenario: build one to read its control (no client uses it).
  return typeof backend === 'function' ? backend({ clock: createFakeClock() }) : backend
}

/**
 * Shrinks a failing path: drops the steps after the one that failed, then each step whose
 * removal leaves a path the model accepts that still fails.
 */
async function shrink(
  steps: string[],
  failure: ScenarioFailure,
  fails: (steps: string[]) => Promise<boolean>,
  valid: (steps: string[]) => boolean,
  deadline: number,
) {
  let current = failure.stepIndex === undefined ? steps : steps.slice(0, failure.stepIndex + 1)
  for (let i = current.length - 2; i >= 0 && Date.now() < deadline; i--) {
    const candidate = [...current.slice(0, i), ...current.slice(i + 1)]
    if (valid(candidate) && (await fails(candidate))) current = candidate
  }
  return current
}

/**
 * Runs generated scenarios against your backend (default the fake one) until every transition of
 * the chart is covered, the time budget or `maxScenarios` runs out, or the model has no more:
 * the scenarios go in a coverage-first order (see {@link planAuthScenarios}), and coverage is read from the running clients' actors with {@link recordCoverage}. Resolves with
 * the coverage report. A failing scenario rejects with a {@link ScenarioFailure} whose message
 * gives the seed and a shrunk list of steps, replayed by {@link replayAuthScenario}. Nothing is
 * left running: each scenario stops its clients (your servers are yours to stop).
 *
 * @example
 * import { createFakeBackend, runAuthScenarios } from 'authchart/testing'
 * import { expect, it } from 'vitest'
 *
 * it('my client under every transition of the chart', async () => {
 *   const report = await runAuthScenarios({ backend: ({ clock }) => createFakeBackend({ clock }), seed: 7 })
 *   console.log(report.summary)
 *   expect(report.transitions.missed).toEqual([])
 * }, 60_000)
 */
export async function runAuthScenarios<Credentials = FakeCredentials>(
  options: AuthScenariosOptions<Credentials> = {},
): Promise<AuthCoverageReport> {
  const started = Date.now()
  const seed = options.seed ?? 1
  const budget = options.timeBudgetMs ?? 45_000
  const machine = options.machine ?? authMachine
  const random = seededRandom(seed)
  const probe = backendOf(options)
  const { allowed, leftOut } = selectSteps(options, probe)
  const control: BackendControl | undefined = probe.control
  const network = typeof control?.network === 'function' ? 'control' : 'simulated'
  const candidates = candidatesOf(options, allowed)
  const available = candidates.length
  const coverage = recordCoverage(machine.id)
  const allTransitions = chartTransitions(machine)
  const allStates = chartStates(machine)
  const userInspect = options.client?.inspect
  const runOptions: AuthScenarioRunOptions<Credentials> = {
    ...options,
    client: {
      ...options.client,
      // Coverage reads the chart's own state nodes: the raw inspection events (test-only).
      redactInspection: false,
      inspect: (event) => {
        coverage.inspect(event)
        if (typeof userInspect === 'function') userInspect(event)
        else userInspect?.next?.(event)
      },
    },
  }
  const plan = orderCandidates(candidates, random)
  const userStates = (name: string) => options.appSteps?.[name]?.in ?? ['signedOut', 'fresh', 'due']
  let run = 0
  let stoppedBecause = 'every path of the model was run'
  const covered = () => allTransitions.every((t) => coverage.transitions.has(t.key))
  for (const chosen of plan) {
    const elapsed = Date.now() - started
    const average = run === 0 ? 0 : elapsed / run
    if (!options.exhaustive && covered() && allStates.every((s) => coverage.states.has(s))) {
      stoppedBecause = 'every state and transition of the chart was covered'
      break
    }
    if (options.maxScenarios !== undefined && run >= options.maxScenarios) {
      stoppedBecause = `maxScenarios (${options.maxScenarios}) was reached`
      break
    }
    if (elapsed + average > budget) {
      stoppedBecause = `the time budget (${budget} ms) ran out`
      break
    }
    const scenarioSeed = hashSeed(seed, run)
    run += 1
    options.log?.(`scenario ${run} (seed ${scenarioSeed}): ${describeScenario(chosen.steps.map((type) => ({ type })))}`)
    try {
      await runAuthScenario(
        chosen.steps.map((type) => ({ type })),
        { ...runOptions, seed: scenarioSeed },
      )
    } catch (error) {
      if (!(error instanceof ScenarioFailure)) throw error
      const fails = async (steps: string[]) =>
        runAuthScenario(
          steps.map((type) => ({ type })),
          { ...options, seed: scenarioSeed },
        ).then(
          () => false,
          () => true,
        )
      const shrunk = await shrink(
        chosen.steps,
        error,
        fails,
        (steps) => walk(steps, userStates) !== null,
        Date.now() + Math.max(5_000, budget - (Date.now() - started)),
      )
      const replay = `replayAuthScenario({ ...options, seed: ${scenarioSeed}, steps: ${JSON.stringify(shrunk)} })`
      throw new ScenarioFailure(
        `authchart scenario ${run} failed (seed ${scenarioSeed}):\n${error.message}\n` +
          `shrunk to ${shrunk.length} steps: ${shrunk.join(' → ')}\nreplay it with: ${replay}`,
        { cause: error, seed: scenarioSeed, steps: shrunk },
      )
    }
  }
  return report({
    seed,
    run,
    available,
    started,
    coverage,
    allStates,
    allTransitions,
    leftOut,
    network,
    stoppedBecause,
    unrun: plan.length - run,
  })
}

function report(input: {
  seed: number
  run: number
  available: number
  started: number
  coverage: ReturnType<typeof recordCoverage>
  allStates: string[]
  allTransitions: ReturnType<typeof chartTransitions>
  leftOut: Array<{ step: string; reason: string }>
  network: AuthCoverageReport['network']
  stoppedBecause: string
  unrun: number
}): AuthCoverageReport {
  const { coverage, allStates, allTransitions, leftOut } = input
  const stoppedEarly = input.unrun > 0 && !input.stoppedBecause.startsWith('every')
  const why = stoppedEarly
    ? `not reached before the run stopped (${input.stoppedBecause}; ${input.unrun} scenarios unrun)`
    : leftOut.some((l) => l.reason !== 'not included')
      ? `not reached by the steps taken; left out: ${leftOut
          .filter((l) => l.reason !== 'not included')
          .map((l) => `${l.step} (${l.reason})`)
          .join(', ')}`
      : 'not reached by any scenario of the model'
  const missedStates = allStates.filter((s) => !coverage.states.has(s))
  const missed = allTransitions
    .filter((t) => !coverage.transitions.has(t.key))
    .map((t) => ({ key: t.key, reason: why }))
  const durationMs = Date.now() - input.started
  const states = { covered: allStates.length - missedStates.length, total: allStates.length, missed: missedStates }
  const transitions = { covered: allTransitions.length - missed.length, total: allTransitions.length, missed }
  const lines = [
    `authchart scenarios (seed ${input.seed}): ${input.run} of ${input.available} run in ${(durationMs / 1000).toFixed(1)} s; ${input.stoppedBecause}`,
    `coverage of the chart: states ${states.covered}/${states.total}, transitions ${transitions.covered}/${transitions.total}`,
    input.network === 'control'
      ? "network steps: through the backend control's network()"
      : 'network steps: simulated in front of the adapter (the backend control has no network())',
    ...leftOut.filter((l) => l.reason !== 'not included').map((l) => `  step left out: ${l.step} — ${l.reason}`),
    ...missedStates.map((s) => `  state not reached: ${s}`),
    ...missed.map((m) => `  transition not taken: ${m.key} — ${m.reason}`),
  ]
  return {
    seed: input.seed,
    scenarios: { run: input.run, available: input.available },
    durationMs,
    states,
    transitions,
    leftOut,
    network: input.network,
    stoppedBecause: input.stoppedBecause,
    summary: lines.join('\n'),
    coverage: {
      states: new Set(coverage.states),
      transitions: new Set(coverage.transitions),
      reasons: new Map(missed.map((m) => [m.key, m.reason])),
      summary: lines[0] ?? '',
      leftOut: leftOut.filter((l) => l.reason !== 'not included'),
    },
  }
}

/**
 * Runs one list of steps again, with the seed a failure printed: what a failed
 * {@link runAuthScenarios} tells you to call. Takes the same options as the run (backend, client,
 * checks, appSteps). Rejects with the same {@link ScenarioFailure} while the bug is there.
 *
 * @example
 * await replayAuthScenario({ backend, seed: 1832415007, steps: ['tabA.signIn', 'server.restarts'] })
 */
export function replayAuthScenario<Credentials = FakeCredentials>(
  options: AuthScenarioRunOptions<Credentials> & { seed: number; steps: ReadonlyArray<string> },
): Promise<void> {
  return runAuthScenario(
    options.steps.map((type) => ({ type })),
    options,
  )
}
