/**
 * What went wrong, as a stable code:
 * - `callback_error`: the provider redirected back with `error=` (`access_denied`, …).
 * - `callback_invalid`: the URL is not a callback (no `code`, no `state`, or another `iss`).
 * - `state_mismatch`: no sign-in this client started carries the callback's `state`.
 * - `callback_replayed`: this callback was already used once.
 * - `callback_expired`: the sign-in started too long ago (10 minutes by default).
 * - `id_token_invalid`: bad signature, wrong `iss`, `aud`, `nonce` or `sub`, or expired.
 * - `discovery_invalid`: the discovery document is unusable (another issuer, missing endpoints).
 * - `response_invalid`: the provider answered something other than its protocol's JSON (HTML).
 * - `redirect_unavailable`: there is no `window.location` to redirect with, and no `navigate`.
 */
export type OidcErrorCode =
  | 'callback_error'
  | 'callback_invalid'
  | 'state_mismatch'
  | 'callback_replayed'
  | 'callback_expired'
  | 'id_token_invalid'
  | 'discovery_invalid'
  | 'response_invalid'
  | 'redirect_unavailable'

/** Codes that belong to the sign-in's callback: sending the same callback again cannot help. */
const CALLBACK_CODES: ReadonlySet<OidcErrorCode> = new Set([
  'callback_error',
  'callback_invalid',
  'state_mismatch',
  'callback_replayed',
  'callback_expired',
  'redirect_unavailable',
])

/**
 * An OpenID Connect failure that is not an HTTP answer: a callback that does not belong to a
 * sign-in this client started, an ID token that fails validation, a provider that answers HTML.
 * `code` says which. The client reports it as the `cause` of an `AdapterError`: a callback
 * failure is `rejected` (sending it again cannot help), the others `transient`, so that on a
 * refresh the chart retries rather than signs out. Messages name what failed, never a token, a
 * code or a `state`.
 *
 * @example
 * try {
 *   await auth.signIn({ callbackUrl: location.href })
 * } catch (error) {
 *   if (error.cause instanceof OidcError && error.cause.code === 'callback_error') showDenied(error.cause.providerError)
 * }
 */
export class OidcError extends Error {
  readonly code: OidcErrorCode
  /** The provider's `error` parameter, for `callback_error`. */
  readonly providerError: string | undefined

  constructor(code: OidcErrorCode, message: string, options?: { cause?: unknown; providerError?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'OidcError'
    this.code = code
    this.providerError = options?.providerError
  }

  /** Whether the failure is about the callback itself (`callback_*`, `state_mismatch`). */
  get isCallbackFailure(): boolean {
    return CALLBACK_CODES.has(this.code)
  }
}
