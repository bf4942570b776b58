import { createBrowserInspector } from '@statelyai/inspect'
import { type AuthClient, createAuthClient } from 'authchart'
import type { AnyActorRef, InspectionEvent } from 'xstate'
import { createRestAdapter, type RestCredentials } from 'authchart/rest'
import { bindBrowserEvents } from 'authchart/vanilla'

// The client redacts tokens in every inspection event; it does not know the demo's credentials
// are `{ email, password }`, and the `auth.signIn` event carries them.
const hidePasswords = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(hidePasswords)
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === 'password' ? '[redacted]' : hidePasswords(item)]),
  )
}

/**
 * What the inspector gets. For an `@xstate.actor` event Stately's inspector reads
 * `event.actorRef.getSnapshot()` itself, later (in an idle callback), from the live actor: a
 * sign-in actor that has resolved by then shows the new session, tokens and all, and its input,
 * the password. So the inspector gets an actor whose snapshot keeps only its status; the redacted
 * `@xstate.snapshot` events that follow carry the state.
 */
function forInspector(event: InspectionEvent): InspectionEvent {
  if (event.type === '@xstate.event') return { ...event, event: hidePasswords(event.event) as typeof event.event }
  if (event.type === '@xstate.snapshot') {
    return {
      ...event,
      event: hidePasswords(event.event) as typeof event.event,
      snapshot: hidePasswords(event.snapshot) as typeof event.snapshot,
    }
  }
  if (event.type !== '@xstate.actor') return event
  const actorRef = event.actorRef
  const getSnapshot = () => ({ status: actorRef.getSnapshot().status })
  return { ...event, actorRef: Object.create(actorRef, { getSnapshot: { value: getSnapshot } }) as AnyActorRef }
}

export interface DemoClient {
  auth: AuthClient<RestCredentials>
  /** Started and stopped by the page's inspector switch. */
  inspector: { start(): void; stop(): void }
}

/**
 * The one client set-up both demo pages share: the REST adapter on this origin (the demo server
 * forwards `/auth/*` to the reference server), tokens in localStorage, cross-tab sync on, and the
 * browser's wake and online events bound. It is created once per page, outside any framework.
 *
 * The Stately inspector is created stopped and always receives the client's inspection events
 * (redacted by the client: no token reaches it). The switch starts it from a click, because
 * browsers only let a click open its window.
 *
 * @example
 * const { auth, inspector } = createDemoClient()
 * auth.getSnapshot().status // 'restoring'
 */
export function createDemoClient(): DemoClient {
  const inspector = createBrowserInspector({ autoStart: false })
  const auth = createAuthClient<RestCredentials>({
    adapter: createRestAdapter({ baseUrl: location.origin }),
    inspect: (event) => inspector.inspect.next?.(forInspector(event)),
  }).start()
  bindBrowserEvents(auth)
  return { auth, inspector }
}
