import { authMachine } from 'authchart'
import { stateIdsOf, transitionKeyOf, type InspectedTransition } from 'authchart/testing'
import type { InspectionEvent } from 'xstate'

/** Where the chart is: its state value, the active state ids and the last transition's key. */
export interface ChartView {
  value: unknown
  current: string[]
  /** As `chartTransitions` keys it, e.g. `auth.session.refreshing.starting --always[3]`. */
  last: string | undefined
}

export interface ChartFeed {
  /** Give it every inspection event of the client (they arrive redacted: ids and values only). */
  inspect(event: InspectionEvent): void
  get(): ChartView
  subscribe(listener: () => void): () => void
}

/**
 * Follows the chart from the client's redacted inspection events, never from the actor: the
 * state value of each `@xstate.snapshot` and `@xstate.microstep` of the auth machine, and the
 * last transition a microstep took. Listeners hear of a change after the step, in a microtask,
 * so a page renders outside the chart's own transition.
 *
 * @example
 * const chart = createChartFeed()
 * createAuthClient({ adapter, inspect: chart.inspect })
 * chart.subscribe(() => draw(chart.get()))
 */
export function createChartFeed(): ChartFeed {
  let view: ChartView = { value: undefined, current: [], last: undefined }
  const listeners = new Set<() => void>()
  let queued = false
  const changed = () => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      queued = false
      for (const listener of listeners) listener()
    })
  }
  return {
    inspect(event) {
      if (event.type !== '@xstate.snapshot' && event.type !== '@xstate.microstep') return
      const snapshot = event.snapshot as { machine?: { id: string }; value?: unknown }
      if (snapshot.machine?.id !== authMachine.id) return
      let last = view.last
      if (event.type === '@xstate.microstep') {
        // A step takes one transition per region at most; the last one named is marked.
        const keys = (event._transitions as unknown as InspectedTransition[]).map((t) =>
          transitionKeyOf(authMachine, t),
        )
        last = keys.filter((key) => key !== undefined).pop() ?? last
      }
      if (JSON.stringify(snapshot.value) === JSON.stringify(view.value) && last === view.last) return
      view = { value: snapshot.value, current: stateIdsOf(authMachine, snapshot.value), last }
      changed()
    },
    get: () => view,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
