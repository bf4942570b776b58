import { getInitialSnapshot, getNextSnapshot } from 'xstate'
import { type AuthEnvironmentEvent, authEnvironmentModel } from './authEnvironmentModel.js'
import { type AuthScenarioOptions, createAuthWorld, ScenarioFailure } from './createAuthWorld.js'
import { afterStep, checkSignedOutStore } from './scenarioChecks.js'
import { executors } from './scenarioSteps.js'
/** A readable name for a path: its steps joined by arrows. */
export function describeScenario(events: ReadonlyArray<AuthEnvironmentEvent>): string {
  return events.length === 0 ? '(start)' : events.map((e) => e.type).join(' → ')
}

/**
 * Runs one path of the environment model on real clients: two tabs of one profile, a fake
 * server and a fake clock. After every step it checks I1–I7 and the model's prediction of tab
 * A's state, and throws a {@link ScenarioFailure} naming the step and the whole path.
 *
 * @example
 * await runAuthScenario([{ type: 'tabA.signIn' }, { type: 'clock.reachesMargin' }, { type: 'tabB.getToken' }])
 */
export async function runAuthScenario(
  events: ReadonlyArray<AuthEnvironmentEvent>,
  options: AuthScenarioOptions = {},
): Promise<void> {
  const world = createAuthWorld(options)
  let model = getInitialSnapshot(authEnvironmentModel)
  try {
    await world.start()
    for (const [index, event] of events.entries()) {
      const { network, lock, server } = model.context
      // Whether the server can answer: a forced refresh must then succeed, a due one must settle.
      const reachable = network === 'up' && lock === 'free' && model.value !== 'signedOut'
      const expectSuccess = event.type === 'tabA.forceRefresh' ? reachable && server === 'ok' : reachable
      model = getNextSnapshot(authEnvironmentModel, model, event)
      await executors[event.type](world, expectSuccess)
      await world.start()
      afterStep(world, String(model.value))
      await checkSignedOutStore(world)
      if (world.violations.length > 0) {
        throw new ScenarioFailure(
          `step ${index + 1} (${event.type}) of the path\n  ${describeScenario(events)}\nbroke: ${world.violations.join('; ')}`,
        )
      }
    }
  } finally {
    world.stop()
    await world.clock.flush()
  }
}
