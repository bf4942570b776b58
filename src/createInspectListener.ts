import type { InspectionEvent, Observer } from 'xstate'
import { redactInspectionEvent } from './redactForInspection.js'

/**
 * What `createAuthClient({ inspect })` takes, as XState's `createActor` does: a callback, or an
 * observer such as `createBrowserInspector().inspect` from `@statelyai/inspect`.
 */
export type InspectOption = ((event: InspectionEvent) => void) | Observer<InspectionEvent>

/**
 * Turns the `inspect` option into the one callback the actor is given, redacting tokens first
 * unless `redact` is false. Only `next` of an observer is used: inspection has no end or error.
 *
 * @example
 * const inspector = createBrowserInspector()
 * createActor(machine, { inspect: createInspectListener(inspector.inspect, true) })
 */
export function createInspectListener(
  inspect: InspectOption | undefined,
  redact: boolean,
): ((event: InspectionEvent) => void) | undefined {
  if (inspect === undefined) return undefined
  const deliver = typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event)
  return redact ? (event) => deliver(redactInspectionEvent(event)) : deliver
}
