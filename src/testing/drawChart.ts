import type { AnyStateMachine, AnyStateNode } from 'xstate'
import { branchesOf, chartTransitions, keyOf, type ChartTransition } from './chartTransitions.js'

/** What {@link drawChart} marks on the chart. Every field is plain data: state ids and transition keys. */
export interface DrawChartOptions {
  /** Transition keys (as `chartTransitions` names them) a run took: drawn green, the others red. */
  covered?: ReadonlySet<string>
  /** State ids a run entered: with `covered`, a state never entered is outlined red. */
  coveredStates?: ReadonlySet<string>
  /** Active state ids (ancestors included, as `stateIdsOf` gives them): filled blue. */
  current?: readonly string[]
  /** The key of the transition taken last: drawn orange, above the others. */
  last?: string
  /** The SVG's `<title>`. */
  title?: string
}

// Monospace metrics, so that text widths are known without measuring: the SVG is drawn once, in
// Node or in a page, and must look the same in both.
const FONT = 11
const CHAR = 6.7
const ROW = 15
const HEAD = 21
const INDENT = 12
const GAP = 6
const LANE = 7
const TOP = 26

interface Box {
  node: AnyStateNode
  depth: number
  y: number
  height: number
  rows: { t: ChartTransition; y: number; text: string }[]
  children: Box[]
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function guardName(guard: unknown): string | undefined {
  if (guard === undefined) return undefined
  if (typeof guard === 'string') return guard
  // xstate's not/and/or are functions carrying their operands; an inline guard has no useful name.
  const inner = (guard as { guards?: unknown[] }).guards
  // A bundler may rename them (`not2`): the digits it adds are dropped.
  if (typeof guard === 'function' && Array.isArray(inner)) {
    return `${guard.name.replace(/\d+$/, '')}(${inner.map(guardName).join(', ')})`
  }
  if (typeof guard === 'function') return 'if'
  const type = (guard as { type?: unknown }).type
  return typeof type === 'string' ? type : 'if'
}

/**
 * A transition's row as drawn: what a reader needs to tell two branches apart (the actor an
 * invoke's done/error comes from, the guard) and where the arrow goes.
 *
 * @example
 * rowText(authMachine, t, guardsByKey(authMachine).get(t.key)) // 'always [isBackingOff] → backingOff'
 */
export function rowText(machine: AnyStateMachine, t: ChartTransition, guard: string | undefined): string {
  const node = machine.getStateNodeById(t.source)
  const kind = t.event.split(' ')[0] ?? ''
  // A state that waits for an actor spawned on the way in (not invoked) names it by its id.
  const prefix = `xstate.${kind}.actor.`
  const spawned = [...node.transitions.keys()].find((type) => type.startsWith(prefix))?.slice(prefix.length)
  const src = node.invoke.map((i) => (typeof i.src === 'string' ? i.src : 'actor'))[0] ?? spawned ?? ''
  const event = t.event === 'done actor' || t.event === 'error actor' ? `${kind} ${src}` : t.event
  const to = t.targets.length === 0 ? '(no target)' : `→ ${t.targets.map((id) => id.split('.').pop()).join(', ')}`
  return `${event}${guard ? ` [${guard}]` : ''} ${to}`
}

/**
 * Each transition key (as `chartTransitions` makes it) with the name of its branch's guard.
 *
 * @example
 * guardsByKey(authMachine).get('auth.session.refreshing.starting --always[2]') // 'isBackingOff'
 */
export function guardsByKey(machine: AnyStateMachine): Map<string, string | undefined> {
  const guards = new Map<string, string | undefined>()
  const visit = (node: AnyStateNode) => {
    for (const eventType of [...node.transitions.keys(), ...(node.always ? [''] : [])]) {
      branchesOf(node, eventType).forEach((b, i) => guards.set(keyOf(node, eventType, i), guardName(b.guard)))
    }
    for (const child of Object.values(node.states)) visit(child as AnyStateNode)
  }
  visit(machine.root)
  return guards
}

/**
 * The active state ids of a state value, ancestors included: what {@link drawChart}'s `current`
 * takes. Works on a value read from `auth.actor` or from a redacted inspection event.
 *
 * @example
 * stateIdsOf(authMachine, { session: 'expired', network: 'online' })
 * // ['auth.session', 'auth.session.expired', 'auth.network', 'auth.network.online']
 */
export function stateIdsOf(machine: AnyStateMachine, value: unknown): string[] {
  const ids: string[] = []
  const walk = (node: AnyStateNode, v: unknown) => {
    const entries = typeof v === 'string' ? [[v, undefined] as const] : Object.entries((v ?? {}) as object)
    for (const [key, child] of entries) {
      const next = (node.states as Record<string, AnyStateNode | undefined>)[key]
      if (!next) continue
      ids.push(next.id)
      walk(next, child)
    }
  }
  walk(machine.root, value)
  return ids
}

/**
 * Draws `machine` as a self-contained SVG (no script, no font or file to fetch): every state a box,
 * nested in its parent (parallel regions dashed), every transition a row in its source's box, eventless
 * (`always`) and delayed (`after`) ones included, with an arrow to its target routed in its own lane
 * right of the boxes, so that no arrow crosses a box and no label another. States carry
 * `data-state="<id>"` and transitions `data-transition="<key>"`, keyed as `chartTransitions` keys them.
 *
 * @example
 * import { authMachine } from 'authchart'
 * import { drawChart, stateIdsOf } from 'authchart/testing'
 *
 * const svg = drawChart(authMachine, { current: stateIdsOf(authMachine, 'authenticated') })
 */
export function drawChart(machine: AnyStateMachine, options: DrawChartOptions = {}): string {
  const transitions = chartTransitions(machine)
  const guards = guardsByKey(machine)
  const bySource = new Map<string, ChartTransition[]>()
  for (const t of transitions) bySource.set(t.source, [...(bySource.get(t.source) ?? []), t])

  let y = TOP
  let widest = 0
  const boxes = new Map<string, Box>()
  const layout = (node: AnyStateNode, depth: number): Box => {
    const box: Box = { node, depth, y, height: 0, rows: [], children: [] }
    boxes.set(node.id, box)
    widest = Math.max(widest, (node.key.length + 14) * CHAR + 2 * depth * INDENT)
    y += HEAD
    for (const t of bySource.get(node.id) ?? []) {
      const text = rowText(machine, t, guards.get(t.key))
      widest = Math.max(widest, (text.length + 3) * CHAR + 2 * (depth + 1) * INDENT)
      box.rows.push({ t, y: y + ROW / 2, text })
      y += ROW
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      y += GAP
      box.children.push(layout(child, depth + 1))
    }
    y += box.children.length > 0 ? INDENT / 2 + 2 : 4
    box.height = y - box.y
    return box
  }
  const root = layout(machine.root, 0)
  const width = Math.ceil(widest)
  const right = (box: Box) => width - box.depth * INDENT

  // Lanes: an arrow's vertical run takes the first lane free over its span, shortest spans first,
  // so that short hops stay close to the boxes and long ones go round them.
  const edges = transitions.flatMap((t) => {
    const row = boxes.get(t.source)?.rows.find((r) => r.t === t)
    if (!row) return []
    return t.targets.flatMap((target) => {
      const to = boxes.get(target)
      if (!to) return []
      const from = boxes.get(t.source) as Box
      return [{ t, x1: right(from), y1: row.y, x2: right(to), y2: to.y + HEAD / 2, lane: 0 }]
    })
  })
  const lanes: [number, number][][] = []
  const span = (e: (typeof edges)[number]) => [Math.min(e.y1, e.y2) - 3, Math.max(e.y1, e.y2) + 3] as const
  for (const e of [...edges].sort((a, b) => Math.abs(a.y1 - a.y2) - Math.abs(b.y1 - b.y2) || a.y1 - b.y1)) {
    const [lo, hi] = span(e)
    let lane = lanes.findIndex((used) => used.every(([a, b]) => hi < a || lo > b))
    if (lane === -1) lane = lanes.push([]) - 1
    lanes[lane]?.push([lo, hi])
    e.lane = lane
  }

  const current = new Set(options.current ?? [])
  const { covered, coveredStates, last } = options
  const mark = (key: string) =>
    key === last ? 'last' : covered === undefined ? '' : covered.has(key) ? 'covered' : 'missed'
  const out: string[] = []
  const drawBox = (box: Box) => {
    const { node, depth } = box
    const x = depth * INDENT
    const parent = node.parent as AnyStateNode | undefined
    const classes = [
      'state',
      node.type,
      parent?.type === 'parallel' ? 'region' : '',
      current.has(node.id) ? 'active' : '',
      coveredStates && node !== machine.root && !coveredStates.has(node.id) ? 'unvisited' : '',
    ].filter(Boolean)
    const initial = parent?.type === 'compound' && parent.initial?.target[0] === node
    const label = `${initial ? '● ' : ''}${node.key}${node.type === 'parallel' ? ' ∥ parallel' : node.type === 'final' ? ' (final)' : ''}`
    out.push(
      `<g class="${classes.join(' ')}" data-state="${escape(node.id)}"${current.has(node.id) ? ' data-active="true"' : ''}>`,
      `<rect x="${x + 0.5}" y="${box.y}" width="${right(box) - x}" height="${box.height}" rx="6"/>`,
      `<text class="name" x="${x + 7}" y="${box.y + 14}">${escape(label)}</text>`,
    )
    for (const row of box.rows) {
      const kind = mark(row.t.key)
      out.push(
        `<g class="${`row ${kind}`.trim()}" data-transition="${escape(row.t.key)}"${kind ? ` data-mark="${kind}"` : ''}>`,
        `<rect x="${x + INDENT - 4}" y="${row.y - ROW / 2 + 1}" width="${right(box) - x - INDENT}" height="${ROW - 2}" rx="3"/>`,
        `<title>${escape(row.t.key)}</title>`,
        `<text x="${x + INDENT}" y="${row.y + 4}">${kind === 'missed' ? '✗ ' : ''}${escape(row.text)}</text></g>`,
      )
    }
    out.push('</g>')
    for (const child of box.children) drawBox(child)
  }
  drawBox(root)
  const arrows = edges.map((e) => {
    const kind = mark(e.t.key)
    const x = width + 14 + e.lane * LANE
    return {
      kind,
      svg: `<path class="${`edge ${kind}`.trim()}" data-transition="${escape(e.t.key)}" d="M${e.x1} ${e.y1}H${x}V${e.y2}H${e.x2 + 1}" marker-end="url(#arrow${kind === 'last' ? '-last' : ''})"/>`,
    }
  })
  // The last transition is drawn after the others, so no other arrow hides it.
  const ordered = [...arrows.filter((a) => a.kind !== 'last'), ...arrows.filter((a) => a.kind === 'last')]
  const legend = covered
    ? `${transitions.filter((t) => covered.has(t.key)).length} of ${transitions.length} transitions covered (green); missed in red`
    : `${boxes.size - 1} states, ${transitions.length} transitions. ● initial · blue: current · orange: last transition`
  const totalWidth = Math.ceil(Math.max(width + 14 + lanes.length * LANE + 10, (legend.length + 1) * CHAR))
  const height = y + 8
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="authchart-chart" width="${totalWidth}" height="${height}" viewBox="0 0 ${totalWidth} ${height}" font-family="ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="${FONT}">`,
    `<title>${escape(options.title ?? `${machine.id} statechart`)}</title>`,
    '<style>',
    '.state>rect{fill:#fff;stroke:#8a94a6}.state.region>rect{stroke-dasharray:6 3}.state .name{font-weight:bold;fill:#1b2430}',
    '.state.active>rect{fill:#e3efff;stroke:#1f6feb;stroke-width:2.5}.state.active>.name{fill:#0b4fbf}',
    '.state.unvisited>rect{stroke:#d1242f;stroke-dasharray:4 3}',
    '.row>rect{fill:transparent}.row text{fill:#3d4756}.row.covered text{fill:#116329}.row.missed text{fill:#b3151f}',
    '.row.last>rect{fill:#ffe8c7}.row.last text{fill:#8a4600;font-weight:bold}',
    '.edge{fill:none;stroke:#a6b0bf;stroke-width:1}.edge.covered{stroke:#4cae64}.edge.missed{stroke:#e07a80}',
    '.edge.last{stroke:#e8820c;stroke-width:2.5}',
    '.legend{fill:#57606a}',
    '</style>',
    '<defs>',
    '<marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="#8a94a6"/></marker>',
    '<marker id="arrow-last" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L8 4L0 8z" fill="#e8820c"/></marker>',
    '</defs>',
    `<text class="legend" x="2" y="15">${escape(legend)}</text>`,
    ...out,
    ...ordered.map((a) => a.svg),
    '</svg>',
  ].join('\n')
}
