import type { AnyStateMachine, AnyStateNode } from 'xstate'
import { branchesOf, keyOf } from './chartTransitions.js'

/** A transition as an `@xstate.microstep` event carries it, raw or redacted by the client. */
export interface InspectedTransition {
  source: { id: string }
  eventType: string
  target?: ReadonlyArray<{ id: string }>
  guard?: unknown
  reenter?: boolean
}

// A redacted copy replaces a guard function by `[function name]`; a name compares either way.
const guardOf = (guard: unknown) =>
  JSON.stringify(typeof guard === 'function' ? `[function ${guard.name || 'anonymous'}]` : (guard ?? null))

const nodesOf = new WeakMap<AnyStateMachine, Map<string, AnyStateNode>>()
function nodeById(machine: AnyStateMachine, id: string): AnyStateNode | undefined {
  let nodes = nodesOf.get(machine)
  if (!nodes) {
    const found = new Map<string, AnyStateNode>()
    const visit = (node: AnyStateNode) => {
      found.set(node.id, node)
      for (const child of Object.values(node.states)) visit(child as AnyStateNode)
    }
    visit(machine.root)
    nodesOf.set(machine, (nodes = found))
  }
  return nodes.get(id)
}

/**
 * The key (as `chartTransitions` names it: `auth.session.refreshing --always[0]`) of a transition taken,
 * read from an `@xstate.microstep` inspection event's `_transitions`. It needs only the ids the
 * client's redacted inspection keeps, so a page can mark the transition without the raw actor.
 * `undefined` when the source is not a state of `machine`.
 *
 * @example
 * import { authMachine, createAuthClient } from 'authchart'
 * import { transitionKeyOf } from 'authchart/testing'
 *
 * createAuthClient({
 *   adapter,
 *   inspect: (event) => {
 *     if (event.type === '@xstate.microstep')
 *       for (const t of event._transitions) console.log(transitionKeyOf(authMachine, t))
 *   },
 * })
 */
export function transitionKeyOf(machine: AnyStateMachine, transition: InspectedTransition): string | undefined {
  const node = nodeById(machine, transition.source.id)
  // Another machine's transition (an invoked child's) is not one of this chart.
  if (!node) return undefined
  const targets = (transition.target ?? []).map((n) => n.id).join()
  const index = branchesOf(node, transition.eventType).findIndex(
    (b) =>
      guardOf(b.guard) === guardOf(transition.guard) &&
      Boolean(b.reenter) === Boolean(transition.reenter) &&
      (b.target ?? []).map((n: AnyStateNode) => n.id).join() === targets,
  )
  return index === -1 ? undefined : keyOf(node, transition.eventType, index)
}
