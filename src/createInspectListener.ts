import type { InspectionEvent, Observer } from 'xstate'
import { createRedactor, type Redactor } from './redactForInspection.js'

/**
 * What `createAuthClient({ inspect })` takes, as XState's `createActor` does: a callback, or an
 * observer such as `createBrowserInspector().inspect` from `@statelyai/inspect`.
 */
export type InspectOption = ((event: InspectionEvent) => void) | Observer<InspectionEvent>

/**
 * Turns the `inspect` option into the one callback the actor is given. Unless `redact` is false,
 * each event is a redacted copy: its payload, snapshots, inputs, outputs and action params have
 * tokens and credentials replaced, and every actor ref in it (the inspected actor, the source, the
 * children) is a read-only view whose methods redact too. Only `next` of an observer is used:
 * inspection has no end or error.
 *
 * @example
 * const inspector = createBrowserInspector()
 * createActor(machine, { inspect: createInspectListener(inspector.inspect, true) })
 */
export function createInspectListener(
  inspect: InspectOption | undefined,
  redact: boolean,
  redactor: Redactor = createRedactor(),
): ((event: InspectionEvent) => void) | undefined {
  if (inspect === undefined) return undefined
  const deliver = typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event)
  if (!redact) return deliver
  return (event) => deliver(redactor.value(event))
}
