import type { AnyStateNode, AnyTransitionDefinition, InspectionEvent } from 'xstate'
import { branchesOf, keyOf } from './chartTransitions.js'

function valueIds(prefix: string, value: unknown): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`]
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...valueIds(`${prefix}.${key}`, child),
  ])
}

/** What the inspector saw: the states entered and the transitions taken, by key. */
export interface CoverageRecord {
  states: Set<string>
  transitions: Set<string>
  inspect: (event: InspectionEvent) => void
}

/**
 * An `inspect` callback for `createAuthClient` that records which states of the real chart were
 * active and which transitions were taken, from XState's `@xstate.microstep` events. It reads the
 * chart's own state nodes, so the client needs `redactInspection: false` (a test-only setting).
 *
 * @example
 * import { authMachine, createAuthClient } from 'authchart'
 * import { chartTransitions, createFakeAdapter, recordCoverage } from 'authchart/testing'
 *
 * const coverage = recordCoverage()
 * const auth = createAuthClient({ adapter: createFakeAdapter(), inspect: coverage.inspect, redactInspection: false })
 * // ... drive the client ...
 * const missed = chartTransitions(authMachine).filter((t) => !coverage.transitions.has(t.key))
 */
export function recordCoverage(rootId = 'auth'): CoverageRecord {
  const states = new Set<string>()
  const transitions = new Set<string>()
  return {
    states,
    transitions,
    inspect(event) {
      if (event.type === '@xstate.snapshot' || event.type === '@xstate.microstep') {
        const snapshot = event.snapshot as { machine?: { id: string }; value?: unknown }
        if (snapshot.machine?.id !== rootId) return
        for (const id of valueIds(rootId, snapshot.value)) states.add(id)
      }
      if (event.type !== '@xstate.microstep') return
      for (const t of event._transitions as AnyTransitionDefinition[]) {
        const node = t.source as AnyStateNode
        // The node rebuilds its transition objects; a branch is known by its guard and targets.
        const targets = (t.target ?? []).map((n: AnyStateNode) => n.id).join()
        const index = branchesOf(node, t.eventType).findIndex(
          (b) =>
            b.guard === t.guard &&
            b.reenter === t.reenter &&
            (b.target ?? []).map((n: AnyStateNode) => n.id).join() === targets,
        )
        transitions.add(keyOf(node, t.eventType, index))
      }
    },
  }
}
