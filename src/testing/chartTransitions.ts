import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate'

/** One transition of a chart: its source state, its event and its place among that event's branches. */
export interface ChartTransition {
  key: string
  source: string
  event: string
  targets: string[]
}

export function branchesOf(node: AnyStateNode, eventType: string): ReadonlyArray<AnyTransitionDefinition> {
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

export function keyOf(node: AnyStateNode, eventType: string, index: number): string {
  return `${node.id} --${eventName(eventType)}[${index}]`
}

/**
 * Every transition of `machine` (each guarded branch on its own; eventless, delayed and targetless
 * ones included), keyed as `recordCoverage` records them: `auth.session.refreshing --always[0]`.
 *
 * @example
 * import { authMachine } from 'authchart'
 * import { chartTransitions } from 'authchart/testing'
 *
 * for (const t of chartTransitions(authMachine)) console.log(t.key, '->', t.targets.join(', '))
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

/**
 * Every state node id of `machine`, the root excluded.
 *
 * @example
 * import { authMachine } from 'authchart'
 * import { chartStates } from 'authchart/testing'
 *
 * console.log(chartStates(authMachine).includes('auth.session.authenticated')) // true
 */
export function chartStates(machine: AnyStateMachine): string[] {
  const ids: string[] = []
  const visit = (node: AnyStateNode) => {
    if (node !== machine.root) ids.push(node.id)
    for (const child of Object.values(node.states)) visit(child as AnyStateNode)
  }
  visit(machine.root)
  return ids
}
