/**
 * The error model of authchart, shaped after jose's `util/errors.ts`: one base class with a
 * stable `code`, a `kind` that says how the chart treats the failure, and the original error in
 * `cause`. Every failure the client reports is one of these.
 */

/**
 * How a failure is treated:
 * - `rejected`: the server said no (401, `invalid_grant`, revoked); never retried.
 * - `transient`: network, 5xx, 429, timeout; retried with backoff, never signs out.
 * - `invalid`: a value crossing a boundary failed to parse.
 * - `storage`: the session store failed or held corrupt data.
 * - `state`: the call does not fit the current state (not signed in, expired).
 * - `sink`: a token sink threw.
 */
export type AuthErrorKind = 'rejected' | 'transient' | 'invalid' | 'storage' | 'state' | 'sink'

/** The operation an adapter error came from. */
export type AuthOperation = 'signIn' | 'refresh' | 'validate' | 'signOut' | 'restore'

const JWT_PATTERN = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g

/**
 * Replaces anything shaped like a JWT in a message, so that an error text taken from a vendor
 * response cannot leak a token into a log.
 *
 * @example
 * redactTokens('bad token eyJhbGciOi.eyJzdWIi.sig') // 'bad token [redacted jwt]'
 */
export function redactTokens(text: string): string {
  return text.replace(JWT_PATTERN, '[redacted jwt]')
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) return redactTokens(cause.message)
  if (typeof cause === 'string') return redactTokens(cause)
  return 'unknown error'
}

/** Options every authchart error accepts. */
export interface AuthErrorOptions {
  cause?: unknown
}

/**
 * The base of every error authchart reports.
 *
 * @example
 * try { await auth.getToken() } catch (e) {
 *   if (e instanceof AuthError && e.kind === 'transient') showOfflineBanner()
 * }
 */
export class AuthError extends Error {
  /** A stable machine-readable code, e.g. `session_expired`. */
  readonly code: string = 'auth_error'
  /** How the chart treats this failure. */
  readonly kind: AuthErrorKind = 'transient'

  constructor(message: string, options?: AuthErrorOptions) {
    super(redactTokens(message), options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
  }
}

/**
 * `getToken()`, `refresh()` or `fetch()` was called with no session.
 *
 * @example
 * if (error instanceof NotAuthenticatedError) router.push('/login')
 */
export class NotAuthenticatedError extends AuthError {
  override readonly code = 'not_authenticated'
  override readonly kind = 'state'

  constructor(message = 'not signed in', options?: AuthErrorOptions) {
    super(message, options)
  }
}

/** Why a session ended in `expired`. */
export type ExpiredReason = 'refresh_rejected' | 'validation_rejected' | 'token_expired' | 'no_refresh_token'

/**
 * The session can no longer be refreshed. `reason` says why; `cause` holds the server's answer.
 *
 * @example
 * auth.on('error', ({ error }) => {
 *   if (error instanceof SessionExpiredError) toast(`Signed out: ${error.reason}`)
 * })
 */
export class SessionExpiredError extends AuthError {
  override readonly code = 'session_expired'
  override readonly kind = 'rejected'
  readonly reason: ExpiredReason

  constructor(reason: ExpiredReason, options?: AuthErrorOptions) {
    const detail = options?.cause === undefined ? '' : `: ${messageOf(options.cause)}`
    super(`session expired (${reason})${detail}`, options)
    this.reason = reason
  }
}

/**
 * `refresh({ until })` saw no token whose claims satisfied the predicate within `timeoutMs`.
 * The session is kept; only the caller's wait failed.
 *
 * @example
 * await auth.refresh({ force: true, until: (c) => c.org_id === orgId, timeoutMs: 5_000 })
 *   .catch((e) => { if (e instanceof ClaimsTimeoutError) showRetry() })
 */
export class ClaimsTimeoutError extends AuthError {
  override readonly code = 'claims_timeout'
  override readonly kind = 'transient'
  readonly timeoutMs: number

  constructor(timeoutMs: number, description?: string, options?: AuthErrorOptions) {
    const what = description === undefined ? 'the expected claims' : `claims matching "${description}"`
    super(`no token with ${what} within ${timeoutMs} ms`, options)
    this.timeoutMs = timeoutMs
  }
}

/**
 * The session store failed, or held a value that did not parse (it has been removed).
 *
 * @example
 * if (auth.getSnapshot().error instanceof StorageError) warn('saved session was unreadable')
 */
export class StorageError extends AuthError {
  override readonly code = 'storage_error'
  override readonly kind = 'storage'
}

/**
 * A session, JWT or adapter response did not have the shape authchart needs. `field` names the
 * first offending field when one is known.
 *
 * @example
 * new InvalidSessionError('adapter response has no access token', { field: 'accessToken' })
 */
export class InvalidSessionError extends AuthError {
  override readonly code = 'invalid_session'
  override readonly kind = 'invalid'
  readonly field: string | undefined

  constructor(message: string, options?: AuthErrorOptions & { field?: string }) {
    super(message, options)
    this.field = options?.field
  }
}

/**
 * An adapter call failed. `kind` comes from the adapter's `classify`, `operation` names the call,
 * and `retryAfterMs` carries a server's `Retry-After` when it sent one.
 *
 * @example
 * auth.on('error', ({ error }) => {
 *   if (error instanceof AdapterError && error.kind === 'transient') showOffline()
 * })
 */
export class AdapterError extends AuthError {
  override readonly code: string
  override readonly kind: 'rejected' | 'transient'
  readonly operation: AuthOperation
  readonly retryAfterMs: number | undefined

  constructor(
    operation: AuthOperation,
    kind: 'rejected' | 'transient',
    options?: AuthErrorOptions & { retryAfterMs?: number; message?: string },
  ) {
    super(options?.message ?? `${operation} failed (${kind}): ${messageOf(options?.cause)}`, options)
    this.operation = operation
    this.kind = kind
    this.code = `${operation}_${kind}`
    this.retryAfterMs = options?.retryAfterMs
  }
}

/**
 * An adapter call or a refresh did not answer in time. Treated as transient.
 *
 * @example
 * if (error instanceof RequestTimeoutError) retryLater()
 */
export class RequestTimeoutError extends AuthError {
  override readonly code = 'request_timeout'
  override readonly kind = 'transient'
}

/**
 * A token sink threw or rejected. The other sinks still ran.
 *
 * @example
 * auth.on('error', ({ error }) => { if (error instanceof SinkError) report(error.cause) })
 */
export class SinkError extends AuthError {
  override readonly code = 'sink_failed'
  override readonly kind = 'sink'
}

/**
 * The pending call was cancelled by a newer one (a second `signIn`, or `signOut`).
 *
 * @example
 * auth.signIn(a).catch((e) => e instanceof CancelledError) // true once signOut() runs
 */
export class CancelledError extends AuthError {
  override readonly code = 'cancelled'
  override readonly kind = 'state'
}

/**
 * `createAuthClient` or a method was given options it cannot use. The message names the option.
 *
 * @example
 * createAuthClient({ adapter, refreshMargin: -1 }) // throws InvalidOptionsError: refreshMargin ...
 */
export class InvalidOptionsError extends AuthError {
  override readonly code = 'invalid_options'
  override readonly kind = 'invalid'
}

/**
 * Narrows an unknown value to an {@link AuthError}.
 *
 * @example
 * if (isAuthError(e) && e.kind === 'rejected') signInAgain()
 */
export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError
}
