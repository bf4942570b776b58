import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition, InspectionEvent } from 'xstate'

/** One transition of a chart: its source state, its event and its place among that event's branches. */
export interface ChartTransition {
  key: string
  source: string
  event: string
  targets: string[]
}

function branchesOf(node: AnyStateNode, eventType: string): ReadonlyArray<AnyTransitionDefinition> {
  return eventType === '' ? (node.always ?? []) : (node.transitions.get(eventType) ?? [])
}

// Delayed and actor events carry generated ids; the key keeps what a reader needs.
function eventName(eventType: string): string {
  if (eventType === '') return 'always'
  if (eventType.startsWith('xstate.after.')) return `after ${eventType.split('.')[2]}`
  if (eventType.startsWith('xstate.done.actor.')) return 'done actor'
  if (eventType.startsWith('xstate.error.actor.')) return 'error actor'
  return eventType
}

function keyOf(node: AnyStateNode, eventType: string, index: number): string {
  return `${node.id} --${eventName(eventType)}[${index}]`
}

/**
 * Every transition of `machine` (each guarded branch on its own, targetless ones included), as
 * the keys `recordCoverage` produces.
 */
export function chartTransitions(machine: AnyStateMachine): ChartTransition[] {
  const all: ChartTransition[] = []
  const visit = (node: AnyStateNode) => {
    const types = [...node.transitions.keys(), ...(node.always ? [''] : [])]
    for (const eventType of types) {
      branchesOf(node, eventType).forEach((t, index) => {
        all.push({
          key: keyOf(node, eventType, index),
          source: node.id,
          event: eventName(eventType),
          targets: (t.target ?? []).map((n: AnyStateNode) => n.id),
        })
      })
    }
    for (const child of Object.values(node.states)) visit(child as AnyStateNode)
  }
  visit(machine.root)
  return all
}

/** Every state node id of `machine`, the root excluded. */
export function chartStates(machine: AnyStateMachine): string[] {
  const ids: string[] = []
  const visit = (node: AnyStateNode) => {
    if (node !== machine.root) ids.push(node.id)
    for (const child of Object.values(node.states)) visit(child as AnyStateNode)
  }
  visit(machine.root)
  return ids
}

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
 * active and which transitions were taken, from XState's `@xstate.microstep` events.
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
