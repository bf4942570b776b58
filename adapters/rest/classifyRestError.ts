import { type Classification, defaultClassify, type RejectionReason } from 'authchart'
import { RestHttpError } from './RestHttpError.js'

// Statuses that mean "ask again later": request timeout, too early, too many requests.
const RETRYABLE_4XX = new Set([408, 425, 429])

// The `reason` codes of the reference server's refusals (`examples/rest-server`), and the
// reasons they mean. `refresh_token_expired` has no reason of its own: `refresh_rejected`.
const REASONS: Readonly<Record<string, RejectionReason>> = {
  token_reused: 'token_reused',
  family_revoked: 'family_revoked',
  refresh_token_unknown: 'refresh_token_unknown',
  refresh_token_missing: 'no_refresh_token',
  no_refresh_token: 'no_refresh_token',
}

/**
 * The REST adapter's `classify`. A server's definite "no" is `rejected`: 400 `invalid_grant`,
 * 401, 403, and any other 4xx except 408, 425 and 429, because sending the same request again
 * gets the same answer. Everything else is `transient`: 5xx, 408, 425, 429, network failures,
 * timeouts and aborts, because only an explicit refusal may end a session. A refusal whose body
 * names a `reason` the adapter knows (`token_reused`, `family_revoked`,
 * `refresh_token_unknown`, `refresh_token_missing`) says so: `{ kind: 'rejected', reason }`.
 *
 * @example
 * classifyRestError(new RestHttpError('refresh', 400, { code: 'invalid_grant' })) // 'rejected'
 * classifyRestError(new RestHttpError('refresh', 401, { code: 'invalid_grant', reason: 'token_reused' }))
 * // { kind: 'rejected', reason: 'token_reused' }
 * classifyRestError(new RestHttpError('refresh', 503)) // 'transient'
 * classifyRestError(new TypeError('fetch failed')) // 'transient'
 */
export function classifyRestError(error: unknown): Classification {
  if (!(error instanceof RestHttpError)) return defaultClassify(error)
  if (error.status >= 500 || RETRYABLE_4XX.has(error.status)) return 'transient'
  if (error.status < 400) return 'transient'
  const reason = error.reason === undefined ? undefined : REASONS[error.reason]
  return reason === undefined ? 'rejected' : { kind: 'rejected', reason }
}
