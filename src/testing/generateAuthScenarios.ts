import { getInitialSnapshot, getNextSnapshot, type SnapshotFrom } from 'xstate'
import { type AuthEnvironmentEvent, authEnvironmentEvents, authEnvironmentModel } from './authEnvironmentModel.js'
import type { FakeCredentials } from './createFakeAdapter.js'
import { describeScenario, runAuthScenario } from './runAuthScenario.js'
import { type AuthScenariosOptions, planAuthScenarios } from './runAuthScenarios.js'

type ModelSnapshot = SnapshotFrom<typeof authEnvironmentModel>

/** One generated path: run it as one test, named by its description. */
export interface AuthScenario {
  /** The steps joined by arrows, e.g. `tabA.signIn → clock.reachesMargin → tabB.getToken`. */
  description: string
  /** The steps; your own steps appear by name. */
  events: AuthEnvironmentEvent[]
  /** The seed it runs with: `replayAuthScenario({ ...options, seed, steps })` runs it alone. */
  seed: number
  /** Runs the path on real clients with your options; rejects with the failing step and path. */
  run(): Promise<void>
}

const keyOf = (snapshot: ModelSnapshot) => JSON.stringify([snapshot.value, snapshot.context])

/**
 * The paths of the environment model that cover every transition of it: for each reachable
 * state and each event it accepts, the shortest path to the state followed by the event.
 * Paths that are a prefix of another path are dropped, since the longer one takes them too.
 * With `allowed`, only those steps are taken (the model's guards then decide what stays reachable).
 *
 * @example
 * for (const events of authEnvironmentPaths()) console.log(describeScenario(events))
 */
export function authEnvironmentPaths(allowed?: ReadonlySet<string>): AuthEnvironmentEvent[][] {
  const initial = getInitialSnapshot(authEnvironmentModel)
  const shortest = new Map<string, { snapshot: ModelSnapshot; path: AuthEnvironmentEvent[] }>([
    [keyOf(initial), { snapshot: initial, path: [] }],
  ])
  const queue = [keyOf(initial)]
  const edges: AuthEnvironmentEvent[][] = []
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    const { snapshot, path } = shortest.get(key) as { snapshot: ModelSnapshot; path: AuthEnvironmentEvent[] }
    for (const event of authEnvironmentEvents) {
      if ((allowed !== undefined && !allowed.has(event.type)) || !snapshot.can(event)) continue
      const next = getNextSnapshot(authEnvironmentModel, snapshot, event)
      const nextPath = [...path, event]
      edges.push(nextPath)
      const nextKey = keyOf(next)
      if (!shortest.has(nextKey)) {
        shortest.set(nextKey, { snapshot: next, path: nextPath })
        queue.push(nextKey)
      }
    }
  }
  const names = edges.map(describeScenario)
  return edges.filter((_, i) => !names.some((other, j) => j !== i && other.startsWith(`${names[i]} → `)))
}

/**
 * Generates scenarios to run as one vitest test each, in the coverage-first order of
 * {@link planAuthScenarios}: against your backend (default the fake one), with your client
 * options (margin, retry, inspect), your sinks and listeners (`setup`), your own wrapper around
 * `createAuthClient` (`createClient`), your checks and steps, and `seed`, `include`, `exclude`,
 * `maxScenarios`. Every step checks invariants I1–I7; a failure names the step, the path and the seed.
 *
 * @example
 * import { generateAuthScenarios } from 'authchart/testing'
 * import { it } from 'vitest'
 *
 * for (const scenario of generateAuthScenarios({ maxScenarios: 100, setup: (auth) => auth.addTokenSink(realtime.setAuth) })) {
 *   it(scenario.description, () => scenario.run())
 * }
 */
export function generateAuthScenarios<Credentials = FakeCredentials>(
  options: AuthScenariosOptions<Credentials> = {},
): AuthScenario[] {
  return planAuthScenarios(options).map(({ steps, seed }) => {
    const events = steps.map((type) => ({ type })) as AuthEnvironmentEvent[]
    return {
      description: describeScenario(events),
      events,
      seed,
      run: () => runAuthScenario(events, { ...options, seed }),
    }
  })
}
