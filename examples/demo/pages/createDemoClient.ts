import { createBrowserInspector } from '@statelyai/inspect'
import { type AuthClient, createAuthClient, createMemoryStorage, type SessionStorage } from 'authchart'
import { createRestAdapter, type RestCredentials } from 'authchart/rest'
import { bindBrowserEvents } from 'authchart/vanilla'
import { type ChartFeed, createChartFeed } from './createChartFeed.js'

export interface DemoClient {
  auth: AuthClient<RestCredentials>
  /** Where the session lives: `?storage=memory` in the page's address chooses memory. */
  storage: 'localStorage' | 'memory'
  /** Started and stopped by the page's inspector switch. */
  inspector: { start(): void; stop(): void }
  /** The chart's state and last transition, read from the client's redacted inspection events. */
  chart: ChartFeed
}

/**
 * Reads the page's `?storage=` switch: absent or `local` keeps the session in localStorage (the
 * client's default), `memory` in `createMemoryStorage()`, where nothing reaches localStorage,
 * sessionStorage or IndexedDB and a reload signs out. Any other value is a mistake in the
 * address, said so rather than silently taken as the default.
 *
 * @example
 * storageFromAddress('?storage=memory') // { name: 'memory', storage: <memory storage> }
 */
export function storageFromAddress(search: string): { name: DemoClient['storage']; storage?: SessionStorage } {
  const value = new URLSearchParams(search).get('storage')
  if (value === null || value === 'local') return { name: 'localStorage' }
  if (value === 'memory') return { name: 'memory', storage: createMemoryStorage() }
  throw new RangeError(`demo page: ?storage=${value} is not a storage; use ?storage=memory or leave it out`)
}

/**
 * The one client set-up both demo pages share: the REST adapter on this origin (the demo server
 * forwards `/auth/*` to the reference server), tokens in localStorage (or in memory with
 * `?storage=memory`), cross-tab sync on, and the browser's wake and online events bound. It is
 * created once per page, outside any framework.
 *
 * The page draws the chart itself from the same inspection events (`createChartFeed`): offline,
 * with no account. The Stately inspector is created stopped and always receives the client's inspection events
 * (redacted by the client: no token reaches it). The switch starts it from a click, because
 * browsers only let a click open its window.
 *
 * @example
 * const { auth, inspector } = createDemoClient()
 * auth.getSnapshot().status // 'restoring'
 */
export function createDemoClient(): DemoClient {
  const inspector = createBrowserInspector({ autoStart: false })
  const chart = createChartFeed()
  const { name, storage } = storageFromAddress(location.search)
  const auth = createAuthClient<RestCredentials>({
    adapter: createRestAdapter({ baseUrl: location.origin }),
    storage,
    // Stately's observer as it is, and the page's own drawing of the chart. The client redacts
    // every token, the sign-in credentials and the snapshots the inspector reads later through
    // an actor ref; the demo adds nothing.
    inspect: (event) => {
      inspector.inspect.next?.(event)
      chart.inspect(event)
    },
  }).start()
  bindBrowserEvents(auth)
  return { auth, storage: name, inspector, chart }
}
