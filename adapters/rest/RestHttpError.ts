/**
 * What a REST backend answered when it was not a success. The adapter's `classify` reads
 * `status` and `code`; the core copies `retryAfterMs` into the `AdapterError` it reports, where
 * the chart's backoff takes it as a floor. The message carries the server's `error` and
 * `error_description`, never the request or response body, so no token can leak through it.
 *
 * @example
 * auth.on('error', ({ error }) => {
 *   if (error.cause instanceof RestHttpError && error.cause.status === 429) showSlowDown()
 * })
 */
export class RestHttpError extends Error {
  /** The HTTP status. */
  readonly status: number
  /** The body's `error` field (`invalid_grant`, ...), when the server sent one. */
  readonly code: string | undefined
  /**
   * The body's `reason` (or `error_code`): why the server refused, as a code. The reference
   * server sends `token_reused`, `family_revoked`, `refresh_token_unknown`,
   * `refresh_token_expired` or `refresh_token_missing` with its `invalid_grant`.
   */
  readonly reason: string | undefined
  /** The body's `error_description` (or `message`), when the server sent one. */
  readonly description: string | undefined
  /** The server's `Retry-After`, in ms from when the response arrived. */
  readonly retryAfterMs: number | undefined
  /** The endpoint's operation: `signIn`, `refresh`, `validate`, `signOut` or `restore`. */
  readonly operation: string

  constructor(
    operation: string,
    status: number,
    details: {
      code?: string | undefined
      reason?: string | undefined
      description?: string | undefined
      retryAfterMs?: number | undefined
    } = {},
  ) {
    const what = [details.code, details.description].filter((part) => part !== undefined).join(': ')
    super(`${operation}: HTTP ${status}${what === '' ? '' : ` ${what}`}`)
    this.name = 'RestHttpError'
    this.operation = operation
    this.status = status
    this.code = details.code
    this.reason = details.reason
    this.description = details.description
    this.retryAfterMs = details.retryAfterMs
  }
}
