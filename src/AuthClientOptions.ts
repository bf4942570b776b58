import type { RetryPolicy } from '../machines/AuthContext.js'
import type { AuthAdapter } from './AuthAdapter.js'
import type { AuthLogger } from './AuthLogger.js'
import type { Clock } from './Clock.js'
import type { InspectOption } from './createInspectListener.js'
import type { SessionStorage } from './SessionStorage.js'
import type { TabsOption } from './TabTransport.js'

/** Options for `auth.fetch`. */
export interface AuthFetchOptions {
  /**
   * Origins (besides the page's own) whose requests get the bearer token, e.g.
   * `['https://api.example.com']`. In a browser page the default is the page's origin only: a call
   * to any other origin goes out without the token (and one warning per origin is logged). Where
   * there is no page origin (Node, a worker without `location`), every origin gets it unless some
   * are listed here.
   */
  origins?: readonly string[]
  /**
   * The least time between two forced refreshes that 401 answers start, in ms. A 401 within it is
   * returned to the caller as it is; 401s that arrive together still share one refresh. Default
   * 10 000.
   */
  refreshCooldown?: number
}

/** Options for `createAuthClient`. Only `adapter` is required. */
export interface AuthClientOptions<Credentials = unknown> {
  adapter: AuthAdapter<Credentials>
  /**
   * Where the session survives reloads. Default: `localStorage` in a browser; elsewhere memory,
   * with a one-time warning. Pass `createMemoryStorage()` to choose memory without the warning.
   */
  storage?: SessionStorage
  /** The storage key. Default `'authchart.session'`. */
  storageKey?: string
  /** How long before expiry to refresh, in ms. Default 60 000. */
  refreshMargin?: number
  /**
   * Cross-tab sync and a refresh lock where the platform has them (`BroadcastChannel`, Web
   * Locks). Default `true`. Pass `{ channel, locks }` to supply your own (tests, other platforms).
   */
  tabs?: TabsOption
  /** Time source for every delay. Default: the global timers, read at call time. */
  clock?: Clock
  /** Used by `auth.fetch`. Default: the global `fetch`, read at call time. */
  fetch?: typeof globalThis.fetch
  /** Where `auth.fetch` sends the bearer token, and how often a 401 may force a refresh. */
  authFetch?: AuthFetchOptions
  /**
   * XState inspection, as `createActor` takes it: a callback or an observer such as
   * `createBrowserInspector().inspect`. Sees tokens redacted unless `redactInspection` is false.
   */
  inspect?: InspectOption
  /**
   * Default `true`: the inspector sees redacted copies, and actor refs as read-only views. `false`
   * hands it XState's own events and actors: every access token, refresh token and sign-in
   * credential the chart holds or receives becomes readable from `snapshot.context`,
   * `getPersistedSnapshot()`, event payloads, actor inputs and outputs, and the refs can be sent
   * events. Only for debugging on your own machine.
   */
  redactInspection?: boolean
  /** Receives warnings and failures as text; never a token. Default: the console. */
  logger?: AuthLogger
  /** Backoff and timeouts for adapter calls. */
  retry?: Partial<RetryPolicy>
  /** Randomness for backoff jitter (inject for deterministic tests). Default `Math.random`. */
  random?: () => number
}
