import type { AuthSnapshot, SessionInfo } from './AuthSnapshot.js'
import type { TokenSink } from './createTokenSinks.js'
import type { AuthError, SessionExpiredError } from './errors.js'
import type { RefreshOptions } from './parseClientOptions.js'
import type { InspectedActorRef } from './redactForInspection.js'

/** The events `auth.on` delivers. */
export interface AuthClientEvents {
  error: { type: 'error'; error: AuthError }
  /** A refresh the server refused: the session is now `expired`. `error.reason` says why. */
  refreshRejected: { type: 'refreshRejected'; error: SessionExpiredError; tokenAge: number | null }
}

/**
 * What the platform tells the client: the page became visible or the device woke (check whether
 * a refresh is due now), the network came back, or went away. `authchart/vanilla` and
 * `authchart/react` bind these to the browser's events; call it yourself elsewhere (React Native's
 * `AppState`, a worker).
 */
export type EnvironmentSignal = 'visible' | 'wake' | 'online' | 'offline'

/** The client `createAuthClient` returns. */
export interface AuthClient<Credentials = unknown> {
  start(): AuthClient<Credentials>
  stop(): void
  getSnapshot(): AuthSnapshot
  subscribe(listener: (snapshot: AuthSnapshot) => void): () => void
  getToken(): Promise<string>
  /** Resolves with the new session's token-free info; the token itself comes from `getToken()`. */
  signIn(credentials: Credentials): Promise<SessionInfo>
  signOut(): Promise<void>
  /** Resolves with the refreshed session's token-free info. */
  refresh(options?: RefreshOptions): Promise<SessionInfo>
  addTokenSink(sink: TokenSink): () => void
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  on<K extends keyof AuthClientEvents>(type: K, listener: (event: AuthClientEvents[K]) => void): () => void
  /** Tells the client what the platform saw; ignored before `start()` and after `stop()`. */
  notify(signal: EnvironmentSignal): void
  /**
   * The chart's actor, for inspection and advanced use: a read-only view (no `send`) whose
   * snapshots, persisted snapshots, children and emitted events are redacted like the inspector's.
   */
  readonly actor: InspectedActorRef
}
