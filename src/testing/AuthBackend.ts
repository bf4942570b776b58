import type { AuthAdapter } from '../AuthAdapter.js'
import type { FakeClock } from './createFakeClock.js'

/**
 * How the next answers of a backend fail (`BackendControl.failNext`):
 * - `5xx`: the server answers 503;
 * - `429`: the server answers 429 with `Retry-After: 1`;
 * - `drop`: the request gets no answer at all (the client's request timeout ends it);
 * - `reset`: the connection is reset before an answer;
 * - `commitThenLose`: the server does the work (a refresh rotates its token), then the answer is lost.
 */
export type BackendFailure = '5xx' | '429' | 'drop' | 'reset' | 'commitThenLose'

/** Every kind of {@link BackendFailure}, in the order a seed picks from. */
export const BACKEND_FAILURES: ReadonlyArray<BackendFailure> = ['5xx', '429', 'drop', 'reset', 'commitThenLose']

/**
 * The moves a scenario makes on your backend. Every move is optional: a step that needs a move
 * the control lacks is left out of the run, and the coverage report says which and why.
 * A move may be async; a move that throws stops the run with an error naming the step and seed.
 */
export interface BackendControl {
  /** The server treats every access token issued so far as expired, now (its clock is not the scenario's). */
  expireAccessToken?(): void | Promise<void>
  /** The server revokes every session of the user: their refresh tokens are refused from now on. */
  revokeSession?(): void | Promise<void>
  /** The server loses its store (every refresh token, as a crash of a memory store). */
  loseStore?(): void | Promise<void>
  /** The server restarts (a new process). A durable server keeps every session. */
  restart?(): void | Promise<void>
  /** The user's custom claims become these (merged); tokens issued from now on carry them. */
  changeClaims?(claims: Record<string, unknown>): void | Promise<void>
  /** The next `count` answers of the auth endpoints fail as `failure` says. */
  failNext?(count: number, failure: BackendFailure): void | Promise<void>
  /**
   * Takes the network between your adapter and your server down, or brings it back: the model's
   * steps `network.drops` and `network.returns` call it. While it is down, every request your
   * adapter sends must fail with a network error your adapter classifies as transient (a fault
   * proxy's `setNetwork` destroys each connection: a `fetch` `TypeError`). The runner calls
   * `network('up')` before every scenario, so one that ended offline cannot poison the next.
   *
   * With this move, a call your client makes while the network is down goes straight to your
   * adapter (past the scenario's gate, which holds only calls made online), so it fails for real
   * and at once. Without it, the scenario simulates the network: such calls fail in front of your
   * adapter, which never sees them (the fake backend works this way).
   *
   * @example
   * const proxy = await createFaultProxy({ target: server.url })
   * const control: BackendControl = { network: (state) => proxy.setNetwork(state) }
   */
  network?(state: 'up' | 'down'): void | Promise<void>
  /**
   * Called after every step: throw to report a problem of the backend itself (a fault proxy
   * whose target is down, a server process that died), with a message saying what.
   */
  check?(): void | Promise<void>
}

/** A backend a scenario runs against: your adapter, the credentials it signs in with, and its control. */
export interface AuthBackend<Credentials = unknown> {
  adapter: AuthAdapter<Credentials>
  credentials: Credentials
  control?: BackendControl
  /**
   * `'scenario'`: the backend reads the scenario's fake clock (the fake backend), so a run is
   * the same every time. `'server'` (default): the backend keeps its own real time; the scenario
   * clock then starts at `Date.now()`, and the server's clock is moved with `expireAccessToken`.
   */
  time?: 'scenario' | 'server'
}

/**
 * Your backend for a scenario: an {@link AuthBackend}, or a function that builds one for each
 * scenario from the scenario's clock (pass it to an adapter that takes a clock).
 */
export type AuthBackendOption<Credentials = unknown> =
  AuthBackend<Credentials> | ((env: { clock: FakeClock }) => AuthBackend<Credentials>)

/** The name of a move of {@link BackendControl} a step can need. */
export type BackendMove = Exclude<keyof BackendControl, 'check'>
