import type { Classification } from './errors.js'
import type { Session, SessionInput } from './Session.js'

/**
 * The client's time, as jose takes `currentDate`: what an adapter places `expires_in` on and checks
 * tokens against, so a client on a fake clock runs its adapter on that clock too. A function, read
 * when the adapter needs it: a long call reads the time its answer arrived, not the time it began.
 *
 * @example
 * // inside an adapter: `expires_in` counted on the client's clock, as the chart will read it
 * async refresh(session, { signal, now }) {
 *   const body = await post('/refresh', { refresh_token: session.refreshToken }, signal)
 *   return { accessToken: body.access_token, expiresAt: now() + body.expires_in * 1000 }
 * }
 */
export interface TimeContext {
  /** The client's `clock.now()`: milliseconds since the epoch. */
  now(): number
}

/**
 * What every adapter call receives. Honour `signal`: sign-out aborts a refresh in flight. Read
 * the time from `now`, never from `Date`: it is the clock given to `createAuthClient`.
 *
 * @example
 * async signIn(credentials, { signal, now }) {
 *   const res = await fetch('/login', { method: 'POST', body: JSON.stringify(credentials), signal })
 *   const body = await res.json()
 *   return { accessToken: body.access_token, expiresAt: now() + body.expires_in * 1000 }
 * }
 */
export interface AdapterContext extends TimeContext {
  signal: AbortSignal
}

/** What `refresh` receives: `force` asks the adapter to bypass every cache (Clerk `skipCache`). */
export interface RefreshContext extends AdapterContext {
  force: boolean
}

/**
 * A change the backend reports on its own: Clerk's sign-out in another tab, an organisation
 * switch, a session pushed by a vendor SDK. The chart takes it without a request.
 */
export type AdapterSessionEvent =
  | { type: 'sessionChanged'; session: SessionInput }
  | { type: 'signedOut' }
  /** The backend reported a change but the adapter could not follow it (offline during an org switch). */
  | { type: 'error'; error: unknown }

/**
 * One backend's side of the session: Supabase, Clerk, a REST API, or your own. The chart calls
 * it; it never holds state the chart does not know about.
 *
 * @example
 * const adapter: AuthAdapter<{ email: string; password: string }> = {
 *   name: 'my-api',
 *   async signIn(credentials, { signal }) {
 *     const res = await fetch('/login', { method: 'POST', body: JSON.stringify(credentials), signal })
 *     const body = await res.json()
 *     return { accessToken: body.access_token, refreshToken: body.refresh_token }
 *   },
 *   async refresh(session, { signal }) { ... },
 *   classify: (error) => (error instanceof HttpError && error.status === 401 ? 'rejected' : 'transient'),
 * }
 */
export interface AuthAdapter<Credentials = unknown> {
  readonly name: string
  signIn(credentials: Credentials, ctx: AdapterContext): Promise<SessionInput>
  refresh(session: Session, ctx: RefreshContext): Promise<SessionInput>
  /** Checks a restored session with the server; may return a fresher user. */
  // `void` as well as `undefined`: an adapter written as `async validate() {}` returns nothing.
  validate?(session: Session, ctx: AdapterContext): Promise<{ user?: Session['user'] } | undefined | void>
  signOut?(session: Session, ctx: AdapterContext): Promise<void>
  /** Finds a session the backend already holds (Clerk, cookie mode) when storage has none. */
  restore?(ctx: AdapterContext): Promise<SessionInput | null>
  /**
   * Says whether a failure is final (`rejected`, optionally with its reason code) or worth
   * retrying (`transient`). A programming error (`TypeError`, …) is transient whatever it says.
   */
  classify?(error: unknown): Classification
  /**
   * How long the backend's refresh tokens live, in ms. A refresh token younger than this that the
   * server says it does not know (`refresh_token_unknown`) is flagged as a suspected loss of the
   * server's store. Default: no limit, so any such refusal is suspect.
   */
  readonly refreshTokenLifetime?: number
  /**
   * Reports backend-side session changes to the chart. Called once on `start()`; the returned
   * function is called on `stop()`. A changed session is parsed like any adapter response and
   * stored; it replaces the held one only if it is newer. `ctx.now` is the client's clock, for a
   * pushed session that carries `expires_in`.
   *
   * @example
   * subscribe(listener, { now }) {
   *   return sdk.onSession((s) =>
   *     listener({ type: 'sessionChanged', session: { accessToken: s.access_token, expiresAt: now() + s.expires_in * 1000 } }),
   *   )
   * }
   */
  subscribe?(listener: (event: AdapterSessionEvent) => void, ctx: TimeContext): () => void
  /**
   * Whether `refresh` works with no refresh token visible to JavaScript (an HttpOnly cookie,
   * Clerk's own session). Without it, a session with no refresh token cannot be refreshed.
   */
  readonly refreshesWithoutToken?: boolean
}
