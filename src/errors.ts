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

/** The code of an {@link AdapterError}: the operation and how its failure is treated. */
export type AdapterErrorCode = `${AuthOperation}_${'rejected' | 'transient'}`

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
 * Every `code` an authchart error can carry, as a union you can switch on:
 * - `auth_error`: a failure with no more specific code (a token that is due the moment it arrives).
 * - `not_authenticated`: {@link NotAuthenticatedError}.
 * - `session_expired`: {@link SessionExpiredError}; its `reason` says why.
 * - `claims_timeout`: {@link ClaimsTimeoutError}.
 * - `storage_error`: {@link StorageError}.
 * - `invalid_session`: {@link InvalidSessionError}.
 * - `signIn_rejected`, `refresh_transient`, …: {@link AdapterError}, `<operation>_<kind>`.
 * - `request_timeout`: {@link RequestTimeoutError}.
 * - `sink_failed`: {@link SinkError}.
 * - `invalid_options`: {@link InvalidOptionsError}.
 */
export type AuthErrorCode =
  | 'auth_error'
  | 'not_authenticated'
  | 'session_expired'
  | 'claims_timeout'
  | 'storage_error'
  | 'invalid_session'
  | AdapterErrorCode
  | 'request_timeout'
  | 'sink_failed'
  | 'invalid_options'

/**
 * The base of every error authchart reports.
 *
 * @example
 * try { await auth.getToken() } catch (e) {
 *   if (e instanceof AuthError && e.kind === 'transient') showOfflineBanner()
 * }
 */
export class AuthError extends Error {
  /** A stable machine-readable code, e.g. `session_expired`: one of {@link AuthErrorCode}. */
  readonly code: AuthErrorCode = 'auth_error'
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

/**
 * Why the server (or the chart) refused a session, as a stable code:
 * - `token_reused`: the refresh token had already been used (reuse detection fired).
 * - `family_revoked`: the session or its token family was revoked (signed out elsewhere, an admin,
 *   or reuse seen on another device).
 * - `refresh_token_unknown`: the server does not know the refresh token. When the token is younger
 *   than the adapter's `refreshTokenLifetime`, {@link SessionExpiredError.suspectedStoreLoss} is set:
 *   the server probably lost its store (a restart with an in-memory store).
 * - `validation_rejected`: the adapter's `validate` said no and the session could not be refreshed.
 * - `token_expired`: the access token expired and there was no way to refresh it.
 * - `no_refresh_token`: a refresh was due but the session has no refresh token and the adapter
 *   cannot refresh without one (`refreshesWithoutToken` is not set).
 * - `refresh_rejected`: any other refusal of a refresh.
 */
export type RejectionReason =
  | 'token_reused'
  | 'family_revoked'
  | 'refresh_token_unknown'
  | 'validation_rejected'
  | 'token_expired'
  | 'no_refresh_token'
  | 'refresh_rejected'

/** Why a session ended in `expired`: the same codes as {@link RejectionReason}. */
export type ExpiredReason = RejectionReason

/**
 * What an adapter's `classify` returns: `'transient'` (retry), `'rejected'` (final), or a
 * rejection with its reason code.
 *
 * @example
 * const classify = (e: unknown): Classification =>
 *   isHttp(e, 400) && e.body.error_code === 'refresh_token_already_used'
 *     ? { kind: 'rejected', reason: 'token_reused' }
 *     : 'transient'
 */
export type Classification = 'rejected' | 'transient' | { kind: 'rejected'; reason: RejectionReason }

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
  /** How long the refresh token had been held when it was refused, in ms; null when unknown. */
  readonly tokenAge: number | null
  /**
   * The server did not know a refresh token younger than its expected lifetime: it probably lost
   * its store (a restart with the tokens in process memory). Worth an alert on the server side.
   */
  readonly suspectedStoreLoss: boolean

  constructor(
    reason: ExpiredReason,
    options?: AuthErrorOptions & { tokenAge?: number | null; suspectedStoreLoss?: boolean },
  ) {
    const detail = options?.cause === undefined ? '' : `: ${messageOf(options.cause)}`
    const hint = options?.suspectedStoreLoss ? ' (suspected server store loss)' : ''
    super(`session expired (${reason})${hint}${detail}`, options)
    this.reason = reason
    this.tokenAge = options?.tokenAge ?? null
    this.suspectedStoreLoss = options?.suspectedStoreLoss === true
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
  override readonly code: AdapterErrorCode
  override readonly kind: 'rejected' | 'transient'
  readonly operation: AuthOperation
  readonly retryAfterMs: number | undefined
  /** Why the server refused, when the adapter's `classify` said (only on `rejected`). */
  readonly reason: RejectionReason | undefined

  constructor(
    operation: AuthOperation,
    kind: 'rejected' | 'transient',
    options?: AuthErrorOptions & { retryAfterMs?: number; message?: string; reason?: RejectionReason },
  ) {
    const why = kind === 'rejected' && options?.reason ? `, ${options.reason}` : ''
    super(options?.message ?? `${operation} failed (${kind}${why}): ${messageOf(options?.cause)}`, options)
    this.operation = operation
    this.kind = kind
    this.code = `${operation}_${kind}`
    this.retryAfterMs = options?.retryAfterMs
    this.reason = kind === 'rejected' ? options?.reason : undefined
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
