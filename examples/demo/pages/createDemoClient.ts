import { createBrowserInspector } from '@statelyai/inspect'
import { type AuthClient, createAuthClient } from 'authchart'
import { createRestAdapter, type RestCredentials } from 'authchart/rest'
import { bindBrowserEvents } from 'authchart/vanilla'

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
    // Stately's observer as it is. The client redacts every token, the sign-in credentials and
    // the snapshots the inspector reads later through an actor ref; the demo adds nothing.
    inspect: inspector.inspect,
  }).start()
  bindBrowserEvents(auth)
  return { auth, inspector }
}
