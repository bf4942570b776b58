import type { AnyStateMachine, AnyStateNode } from 'xstate'

/** One transition of the chart as the docs draw it: `source --> target : label`. */
export interface ChartEdge {
  source: string
  target: string
  label: string
}

const shortName = (node: AnyStateNode) => node.path.join('.') || 'auth'

function labelOf(eventType: string, node: AnyStateNode): string {
  if (eventType === '') return 'always'
  if (eventType.startsWith('xstate.after.')) return `after ${eventType.split('.')[2]}`
  const invoke = node.invoke.find((i: { id: string }) => eventType.endsWith(i.id))
  const src = typeof invoke?.src === 'string' ? invoke.src : 'actor'
  if (eventType.startsWith('xstate.done.actor.')) return `done ${src}`
  if (eventType.startsWith('xstate.error.actor.')) return `error ${src}`
  return eventType
}

/**
 * Every transition that changes state, with its label. Guards are not part of the label: two
 * guarded branches to different targets are two edges.
 */
export function chartEdges(machine: AnyStateMachine): ChartEdge[] {
  const edges = new Map<string, ChartEdge>()
  const visit = (node: AnyStateNode) => {
    const all: Array<[string, ReadonlyArray<{ target?: ReadonlyArray<AnyStateNode> | undefined }>]> = [
      ...node.transitions.entries(),
    ]
    if (node.always) all.push(['', node.always])
    for (const [eventType, transitions] of all) {
      for (const transition of transitions) {
        for (const target of transition.target ?? []) {
          const edge = { source: shortName(node), target: shortName(target), label: labelOf(eventType, node) }
          edges.set(`${edge.source}|${edge.target}|${edge.label}`, edge)
        }
      }
    }
    for (const child of Object.values(node.states)) visit(child as AnyStateNode)
  }
  visit(machine.root)
  return [...edges.values()].sort((a, b) =>
    `${a.source}${a.target}${a.label}`.localeCompare(`${b.source}${b.target}${b.label}`),
  )
}

/** The edges as mermaid `stateDiagram-v2` lines, `.` replaced by `_` in state ids. */
export function toMermaidLines(edges: ChartEdge[]): string[] {
  const id = (name: string) => (name === 'auth' ? '[*]' : name.replace(/\./g, '_'))
  return edges.map((e) => `${id(e.source)} --> ${id(e.target)} : ${e.label}`)
}

/**
 * The whole chart as a mermaid `stateDiagram-v2`: transitions on the root (taken from any state)
 * start at an `anyState` node, and a compound state's children are drawn inside it.
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = machine.root
  const id = (name: string) => (name === 'auth' ? 'anyState' : (name.split('.').at(-1) as string))
  const lines = [
    'stateDiagram-v2',
    `  [*] --> ${root.initial?.target[0]?.key ?? ''}`,
    '  state "any state" as anyState',
  ]
  const edges = chartEdges(machine)
  const inside = (edge: ChartEdge, parent: string) =>
    edge.source.startsWith(`${parent}.`) && edge.target.startsWith(`${parent}.`)
  for (const child of Object.values(root.states) as AnyStateNode[]) {
    if (Object.keys(child.states).length === 0) continue
    lines.push(`  state ${child.key} {`, `    [*] --> ${child.initial?.target[0]?.key ?? ''}`)
    for (const edge of edges.filter((e) => inside(e, child.key))) {
      lines.push(`    ${id(edge.source)} --> ${id(edge.target)} : ${edge.label}`)
    }
    lines.push('  }')
  }
  for (const edge of edges) {
    const compound = edge.source.split('.')[0] as string
    if (inside(edge, compound)) continue
    lines.push(`  ${id(edge.source)} --> ${id(edge.target)} : ${edge.label}`)
  }
  return lines.join('\n')
}
