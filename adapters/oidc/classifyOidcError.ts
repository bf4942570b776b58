import { type Classification, defaultClassify } from 'authchart'
import { OidcError } from './OidcError.js'
import { OidcHttpError } from './OidcHttpError.js'

// OAuth error codes that mean "ask again later", whatever the status that came with them.
const TRANSIENT_CODES = new Set(['temporarily_unavailable', 'server_error', 'slow_down'])
// Statuses that mean the same: request timeout, too early, too many requests.
const RETRYABLE_4XX = new Set([408, 425, 429])

/**
 * The OIDC adapter's `classify`, with the reason a rejection ends the session. A provider's
 * definite "no" is rejected: `invalid_grant` (a refresh token that expired, was revoked, or was
 * already used, after which a rotating provider revokes the whole grant), 401, 403 and other 4xx
 * answers, and a sign-in callback that cannot be used. Network failures, timeouts, 5xx, 429 and
 * `temporarily_unavailable` are transient, as is an answer that is not the protocol's (an HTML
 * page where JSON was expected, an ID token that fails validation): only an explicit refusal may
 * end a session.
 *
 * @example
 * classifyOidcError(new OidcHttpError('refresh', 400, { code: 'invalid_grant' }))
 * // { kind: 'rejected', reason: 'refresh_rejected' }
 * classifyOidcError(new OidcHttpError('refresh', 503)) // 'transient'
 * classifyOidcError(new TypeError('fetch failed')) // 'transient'
 */
export function classifyOidcError(error: unknown): Classification {
  if (error instanceof OidcError) return error.isCallbackFailure ? 'rejected' : 'transient'
  if (!(error instanceof OidcHttpError)) return defaultClassify(error)
  if (error.code !== undefined && TRANSIENT_CODES.has(error.code)) return 'transient'
  if (error.status >= 500 || RETRYABLE_4XX.has(error.status)) return 'transient'
  if (error.status >= 400) return { kind: 'rejected', reason: 'refresh_rejected' }
  return 'transient'
}
