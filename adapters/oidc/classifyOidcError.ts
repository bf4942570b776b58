import { defaultClassify } from 'authchart'
import { OidcHttpError } from './OidcHttpError.js'

// Until the rejection-reason API lands in the core (issue 13), its shape, declared here once.
type RejectionReason = 'refresh_rejected'
/** What the adapter decides about a failure: retry it, or end the session and say why. */
export type OidcClassification = 'transient' | { kind: 'rejected'; reason: RejectionReason }

// OAuth error codes that mean "ask again later", whatever the status that came with them.
const TRANSIENT_CODES = new Set(['temporarily_unavailable', 'server_error', 'slow_down'])
// Statuses that mean the same: request timeout, too early, too many requests.
const RETRYABLE_4XX = new Set([408, 425, 429])

/**
 * The OIDC adapter's decision on a failure, with the reason a rejection ends the session. A
 * provider's definite "no" is rejected: `invalid_grant` (a refresh token that expired, was
 * revoked, or was already used, after which a rotating provider revokes the whole grant), 401,
 * 403 and other 4xx answers. Network failures, timeouts, 5xx, 429 and `temporarily_unavailable`
 * are transient, as is anything that is not an HTTP answer (an HTML page where JSON was
 * expected, an ID token that failed validation): only an explicit refusal may end a session.
 *
 * @example
 * classifyOidcFailure(new OidcHttpError('refresh', 400, { code: 'invalid_grant' }))
 * // { kind: 'rejected', reason: 'refresh_rejected' }
 * classifyOidcFailure(new OidcHttpError('refresh', 503)) // 'transient'
 */
export function classifyOidcFailure(error: unknown): OidcClassification {
  if (!(error instanceof OidcHttpError)) {
    return defaultClassify(error) === 'rejected' ? { kind: 'rejected', reason: 'refresh_rejected' } : 'transient'
  }
  if (error.code !== undefined && TRANSIENT_CODES.has(error.code)) return 'transient'
  if (error.status >= 500 || RETRYABLE_4XX.has(error.status)) return 'transient'
  if (error.status >= 400) return { kind: 'rejected', reason: 'refresh_rejected' }
  return 'transient'
}

/**
 * The adapter's `classify`: {@link classifyOidcFailure} without the reason.
 *
 * @example
 * classifyOidcError(new TypeError('fetch failed')) // 'transient'
 */
export function classifyOidcError(error: unknown): 'rejected' | 'transient' {
  const decided = classifyOidcFailure(error)
  return decided === 'transient' ? 'transient' : 'rejected'
}
