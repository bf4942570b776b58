import type { RetryPolicy } from '../machines/AuthContext.js'
import type { AuthAdapter } from './AuthAdapter.js'
import type { AuthLogger } from './AuthLogger.js'
import type { Clock } from './Clock.js'
import type { InspectOption } from './createInspectListener.js'
import type { SessionStorage } from './SessionStorage.js'
import type { TabsOption } from './TabTransport.js'

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
  /**
   * XState inspection, as `createActor` takes it: a callback or an observer such as
   * `createBrowserInspector().inspect`. Sees tokens redacted unless `redactInspection` is false.
   */
  inspect?: InspectOption
  /** Default `true`: tokens are replaced before the inspector sees them. */
  redactInspection?: boolean
  /** Receives warnings and failures as text; never a token. Default: the console. */
  logger?: AuthLogger
  /** Backoff and timeouts for adapter calls. */
  retry?: Partial<RetryPolicy>
  /** Randomness for backoff jitter (inject for deterministic tests). Default `Math.random`. */
  random?: () => number
}
