/**
 * What an OpenID Provider endpoint answered when it was not a success, as the adapter's
 * `classify` reads it: `status`, the OAuth `error` code (`invalid_grant`,
 * `temporarily_unavailable`, …) and `Retry-After`. The message carries the `error` and
 * `error_description`, never the request or response body.
 *
 * @example
 * auth.on('error', ({ error }) => {
 *   if (error.cause instanceof OidcHttpError && error.cause.code === 'invalid_grant') showSignedOut()
 * })
 */
export class OidcHttpError extends Error {
  readonly status: number
  /** The OAuth `error` code, when the provider sent one. */
  readonly code: string | undefined
  readonly description: string | undefined
  /** The provider's `Retry-After`, in ms from when the response arrived. */
  readonly retryAfterMs: number | undefined
  /** `discovery`, `token`, `refresh`, `userinfo` or `revocation`. */
  readonly endpoint: string

  constructor(
    endpoint: string,
    status: number,
    details: { code?: string | undefined; description?: string | undefined; retryAfterMs?: number | undefined } = {},
  ) {
    const what = [details.code, details.description].filter((part) => part !== undefined).join(': ')
    super(`${endpoint}: HTTP ${status}${what === '' ? '' : ` ${what}`}`)
    this.name = 'OidcHttpError'
    this.endpoint = endpoint
    this.status = status
    this.code = details.code
    this.description = details.description
    this.retryAfterMs = details.retryAfterMs
  }
}
