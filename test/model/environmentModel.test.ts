import { getPathsFromEvents, getShortestPaths } from '@xstate/graph'
import { authMachine } from 'authchart'
import {
  type AuthEnvironmentEvent,
  authEnvironmentEvents,
  authEnvironmentModel,
  authEnvironmentPaths,
  chartStates,
  chartTransitions,
  describeScenario,
  recordCoverage,
  runAuthScenario,
} from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { getInitialSnapshot, getNextSnapshot } from 'xstate'
import { namedInterleavings } from './namedInterleavings.js'

import { UNREACHABLE_TRANSITIONS } from './unreachableTransitions.js'

type Snapshot = ReturnType<typeof authEnvironmentModel.resolveState>
// A path starts with the model's own init event, which is no step of the world.
const withoutInit = (events: ReadonlyArray<{ type: string }>) =>
  events.filter((e) => e.type !== 'xstate.init') as AuthEnvironmentEvent[]
const stateKey = (s: Snapshot) => JSON.stringify([s.value, s.context])

// A vertex per transition (source, event, target), so that the shortest paths to every vertex
// take every transition of the model: transition coverage, not just state coverage.
const generated = getShortestPaths(authEnvironmentModel, {
  // Only the events the model accepts there: a refused event is no step of the world.
  events: (state) => authEnvironmentEvents.filter((event) => state.can(event)),
  serializeState: (state, event, previous) =>
    JSON.stringify([
      stateKey(state as Snapshot),
      event?.type ?? null,
      previous ? stateKey(previous as Snapshot) : null,
    ]),
})
  .map((path) => withoutInit(path.steps.map((step) => step.event)))
  .filter((events) => events.length > 0)

// A path that is a prefix of another adds nothing the longer one does not run.
const names = generated.map(describeScenario)
const paths = generated.filter((_, i) => !names.some((other, j) => j !== i && other.startsWith(`${names[i]} → `)))

const named = Object.entries(namedInterleavings).map(([name, events]) => {
  const [path] = getPathsFromEvents(authEnvironmentModel, events)
  return { name, events: withoutInit((path?.steps ?? []).map((s) => s.event)) }
})

const coverage = recordCoverage()
// Coverage reads the chart's own definition (its state nodes and guards) from inspection: raw events.
const options = { client: { inspect: coverage.inspect, redactInspection: false } }

function modelEdges(pathList: AuthEnvironmentEvent[][]) {
  const edges = new Set<string>()
  const states = new Set<string>()
  for (const events of pathList) {
    let snapshot = getInitialSnapshot(authEnvironmentModel)
    states.add(stateKey(snapshot))
    for (const event of events) {
      const next = getNextSnapshot(authEnvironmentModel, snapshot, event)
      edges.add(`${stateKey(snapshot)} ${event.type}`)
      snapshot = next
      states.add(stateKey(snapshot))
    }
  }
  return { edges, states }
}

describe('the environment model', () => {
  it('generated paths take every transition and reach every state of the model', () => {
    const expected = modelEdges(authEnvironmentPaths())
    const actual = modelEdges(paths)
    expect([...expected.edges].filter((e) => !actual.edges.has(e))).toEqual([])
    expect([...expected.states].filter((s) => !actual.states.has(s))).toEqual([])
    console.log(
      `environment model: ${actual.states.size} states, ${actual.edges.size} transitions, ${paths.length} paths`,
    )
  })
})

describe('generated paths on real clients (two tabs, fake server, fake clock)', () => {
  for (const events of paths) {
    it(describeScenario(events), () => runAuthScenario(events, options))
  }
})

describe('named interleavings', () => {
  for (const { name, events } of named) {
    it(`${name}: ${describeScenario(events)}`, async () => {
      expect(events.length).toBe(namedInterleavings[name]?.length)
      await runAuthScenario(events, options)
    })
  }
})

describe('coverage of the real authMachine', () => {
  it('takes every reachable transition of authMachine', () => {
    const transitions = chartTransitions(authMachine)
    const states = chartStates(authMachine)
    const taken = transitions.filter((t) => coverage.transitions.has(t.key))
    const reached = states.filter((s) => coverage.states.has(s))
    const unreachable = Object.keys(UNREACHABLE_TRANSITIONS)
    const reachable = transitions.length - unreachable.length
    console.log(
      `authMachine coverage: states ${reached.length}/${states.length}, transitions ${taken.length}/${transitions.length} ` +
        `(${taken.length}/${reachable} reachable = ${Math.round((100 * taken.length) / reachable)}%)`,
    )
    for (const key of unreachable) console.log(`  not taken: ${key} — ${UNREACHABLE_TRANSITIONS[key]}`)
    const missing = transitions.filter((t) => !coverage.transitions.has(t.key) && !(t.key in UNREACHABLE_TRANSITIONS))
    expect(missing.map((t) => t.key)).toEqual([])
    // A transition listed as unreachable that a path takes means the list is stale.
    expect(unreachable.filter((key) => coverage.transitions.has(key))).toEqual([])
    expect(unreachable.filter((key) => !transitions.some((t) => t.key === key))).toEqual([])
    expect(reached).toEqual(states)
  })
})
