import { getInitialSnapshot, getNextSnapshot } from 'xstate'
import type { AuthClient } from '../AuthClient.js'
import { InvalidOptionsError } from '../errors.js'
import { type AuthEnvironmentEvent, AUTH_ENVIRONMENT_EVENTS, authEnvironmentModel } from './authEnvironmentModel.js'
import { type AuthScenarioOptions, type AuthWorld, createAuthWorld, ScenarioFailure } from './createAuthWorld.js'
import type { FakeClock } from './createFakeClock.js'
import type { FakeCredentials } from './createFakeAdapter.js'
import { afterStep, checkSignedOutStore } from './scenarioChecks.js'
import { executors } from './scenarioSteps.js'

/** A step as a path names it: a step of the model, or one of your own steps by its name. */
export type ScenarioStep = AuthEnvironmentEvent | { type: string }

/** What your checks and steps see of a scenario after (or at) a step. */
export interface ScenarioView<Credentials = FakeCredentials> {
  /** The step that just ran (for a step: itself). */
  step: string
  /** Its 1-based place in the path. */
  index: number
  /** The two tabs' clients, as your app holds them. */
  tabs: { A: AuthClient<Credentials>; B: AuthClient<Credentials> }
  clock: FakeClock
  /** The model's state: what tab A's session should be (`signedOut`, `fresh`, `due`, `expired`). */
  expected: string
  seed: number
}

/**
 * Your check, run after every step: throw, or return a message, to fail the scenario.
 *
 * @example
 * const payButton: AuthCheck = ({ tabs }) =>
 *   renderPayButton(tabs.A).disabled === (tabs.A.getSnapshot().status !== 'authenticated') ? undefined : 'pay button'
 */
export type AuthCheck<Credentials = FakeCredentials> = (
  view: ScenarioView<Credentials>,
) => string | undefined | void | Promise<string | undefined | void>

/** Your step: something your app does, taken in the model states `in` (default all but `expired`). */
export interface AuthUserStep<Credentials = FakeCredentials> {
  in?: ReadonlyArray<'signedOut' | 'fresh' | 'due' | 'expired'>
  run(view: ScenarioView<Credentials>): void | Promise<void>
}

/** What a scenario adds to the world's options: your steps and checks. */
export interface AuthScenarioRunOptions<Credentials = FakeCredentials> extends AuthScenarioOptions<Credentials> {
  /** Your checks, run after every step beside I1–I7. */
  checks?: ReadonlyArray<AuthCheck<Credentials>>
  /** Your steps, by name; the model takes each as a step that keeps tab A's session as it was. */
  appSteps?: Readonly<Record<string, AuthUserStep<Credentials>>>
  /**
   * Wall time one step may take, your control's moves, steps and checks included, before the
   * scenario fails naming it (a backend that never answers, a control that hangs). Default 15 000.
   */
  stepTimeoutMs?: number
}

// Real time, not the scenario's fake clock: what hangs is a real server, process or control.
function withinWallTime(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within stepTimeoutMs (${ms} ms of wall time)`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** A readable name for a path: its steps joined by arrows. */
export function describeScenario(events: ReadonlyArray<{ type: string }>): string {
  return events.length === 0 ? '(start)' : events.map((e) => e.type).join(' → ')
}

const modelSteps = new Set<string>(AUTH_ENVIRONMENT_EVENTS)

function viewOf<Credentials>(world: AuthWorld, step: string, index: number, expected: string, seed: number) {
  return {
    step,
    index,
    tabs: { A: world.tabs.A.client, B: world.tabs.B.client },
    clock: world.clock,
    expected,
    seed,
  } as ScenarioView<Credentials>
}

/**
 * Runs one path of the environment model on real clients: two tabs of one profile, your
 * backend (default the fake one) and a fake clock. After every step it checks I1–I7, the model's
 * prediction of tab A's state and your checks, and throws a {@link ScenarioFailure} naming the
 * step, the whole path and the seed. A step that throws (your control, your step) stops the
 * scenario the same way; the clients are stopped in every case.
 *
 * @example
 * await runAuthScenario([{ type: 'tabA.signIn' }, { type: 'clock.reachesMargin' }, { type: 'tabB.getToken' }])
 */
export async function runAuthScenario<Credentials = FakeCredentials>(
  events: ReadonlyArray<ScenarioStep>,
  options: AuthScenarioRunOptions<Credentials> = {},
): Promise<void> {
  const seed = options.seed ?? 1
  const stepTimeoutMs = options.stepTimeoutMs ?? 15_000
  if (!(Number.isFinite(stepTimeoutMs) && stepTimeoutMs > 0))
    throw new InvalidOptionsError(`stepTimeoutMs must be a number of ms > 0, got ${String(options.stepTimeoutMs)}`)
  const world = createAuthWorld(options) as unknown as AuthWorld
  let model = getInitialSnapshot(authEnvironmentModel)
  const where = (index: number, type: string) =>
    `step ${index + 1} (${type}) of the path\n  ${describeScenario(events)}\n(seed ${seed})`
  try {
    // A scenario starts online, whatever the one before left behind.
    if (world.control.network !== undefined) {
      try {
        await withinWallTime(Promise.resolve(world.control.network('up')), stepTimeoutMs)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        throw new ScenarioFailure(
          `before step 1 of the path\n  ${describeScenario(events)}\n(seed ${seed})\ncontrol.network('up') threw: ${message}`,
          { cause: error, seed, stepIndex: 0 },
        )
      }
    }
    await world.start()
    for (const [index, event] of events.entries()) {
      const { network, lock, server } = model.context
      // Whether the server can answer: a forced refresh must then succeed, a due one must settle.
      const reachable = network === 'up' && lock === 'free' && model.value !== 'signedOut'
      const expectSuccess = event.type === 'tabA.forceRefresh' ? reachable && server === 'ok' : reachable
      const userStep = options.appSteps?.[event.type]
      if (modelSteps.has(event.type))
        model = getNextSnapshot(authEnvironmentModel, model, event as AuthEnvironmentEvent)
      else if (userStep === undefined) throw new ScenarioFailure(`${where(index, event.type)}: no such step`)
      const step = async () => {
        if (userStep !== undefined) await userStep.run(viewOf(world, event.type, index + 1, String(model.value), seed))
        else await executors[event.type as AuthEnvironmentEvent['type']](world, expectSuccess)
        await world.start()
        afterStep(world, String(model.value))
        await checkSignedOutStore(world)
        await world.control.check?.()
        for (const check of options.checks ?? []) {
          const problem = await check(viewOf(world, event.type, index + 1, String(model.value), seed))
          if (typeof problem === 'string') world.violate(`your check: ${problem}`)
        }
      }
      try {
        await withinWallTime(step(), stepTimeoutMs)
      } catch (error) {
        if (error instanceof ScenarioFailure) throw error
        const message = error instanceof Error ? error.message : String(error)
        throw new ScenarioFailure(`${where(index, event.type)}\nthrew: ${message}`, {
          cause: error,
          seed,
          stepIndex: index,
        })
      }
      if (world.violations.length > 0) {
        throw new ScenarioFailure(`${where(index, event.type)}\nbroke: ${world.violations.join('; ')}`, {
          seed,
          stepIndex: index,
        })
      }
    }
  } finally {
    world.stop()
    await world.clock.flush()
    // Nothing after the run (your test, the next run) should meet a network the scenario took down.
    if (world.net.down) await world.control.network?.('up')
  }
}
