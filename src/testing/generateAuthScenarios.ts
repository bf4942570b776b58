import { getInitialSnapshot, getNextSnapshot, type SnapshotFrom } from 'xstate'
import { type AuthEnvironmentEvent, authEnvironmentEvents, authEnvironmentModel } from './authEnvironmentModel.js'
import type { AuthScenarioOptions } from './createAuthWorld.js'
import { describeScenario, runAuthScenario } from './runAuthScenario.js'

type ModelSnapshot = SnapshotFrom<typeof authEnvironmentModel>

/** One generated path: run it as one test, named by its description. */
export interface AuthScenario {
  /** The steps joined by arrows, e.g. `tabA.signIn → clock.reachesMargin → tabB.getToken`. */
  description: string
  events: AuthEnvironmentEvent[]
  /** Runs the path on real clients with your options; rejects with the failing step and path. */
  run(): Promise<void>
}

const keyOf = (snapshot: ModelSnapshot) => JSON.stringify([snapshot.value, snapshot.context])

/**
 * The paths of the environment model that cover every transition of it: for each reachable
 * state and each event it accepts, the shortest path to the state followed by the event.
 * Paths that are a prefix of another path are dropped, since the longer one takes them too.
 *
 * @example
 * for (const events of authEnvironmentPaths()) console.log(describeScenario(events))
 */
export function authEnvironmentPaths(): AuthEnvironmentEvent[][] {
  const initial = getInitialSnapshot(authEnvironmentModel)
  const shortest = new Map<string, { snapshot: ModelSnapshot; path: AuthEnvironmentEvent[] }>([
    [keyOf(initial), { snapshot: initial, path: [] }],
  ])
  const queue = [keyOf(initial)]
  const edges: AuthEnvironmentEvent[][] = []
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    const { snapshot, path } = shortest.get(key) as { snapshot: ModelSnapshot; path: AuthEnvironmentEvent[] }
    for (const event of authEnvironmentEvents) {
      if (!snapshot.can(event)) continue
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
 * Generates the environment model's paths as scenarios to run against your own client set-up:
 * your client options (margin, retry, inspect), your sinks and listeners (`setup`), or your own
 * wrapper around `createAuthClient` (`createClient`). Every step checks invariants I1–I7.
 *
 * @example
 * import { generateAuthScenarios } from 'authchart/testing'
 * import { it } from 'vitest'
 *
 * for (const scenario of generateAuthScenarios({ setup: (auth) => auth.addTokenSink(realtime.setAuth) })) {
 *   it(scenario.description, () => scenario.run())
 * }
 */
export function generateAuthScenarios(options: AuthScenarioOptions = {}): AuthScenario[] {
  return authEnvironmentPaths().map((events) => ({
    description: describeScenario(events),
    events,
    run: () => runAuthScenario(events, options),
  }))
}
