import { type Classification, defaultClassify } from 'authchart'
import { RestHttpError } from './RestHttpError.js'

// Statuses that mean "ask again later": request timeout, too early, too many requests.
const RETRYABLE_4XX = new Set([408, 425, 429])

/**
 * The REST adapter's `classify`. A server's definite "no" is `rejected`: 400 `invalid_grant`,
 * 401, 403, and any other 4xx except 408, 425 and 429, because sending the same request again
 * gets the same answer. Everything else is `transient`: 5xx, 408, 425, 429, network failures,
 * timeouts and aborts, because only an explicit refusal may end a session.
 *
 * @example
 * classifyRestError(new RestHttpError('refresh', 400, { code: 'invalid_grant' })) // 'rejected'
 * classifyRestError(new RestHttpError('refresh', 503)) // 'transient'
 * classifyRestError(new TypeError('fetch failed')) // 'transient'
 */
export function classifyRestError(error: unknown): Classification {
  if (!(error instanceof RestHttpError)) return defaultClassify(error)
  if (error.status >= 500 || RETRYABLE_4XX.has(error.status)) return 'transient'
  if (error.status >= 400) return 'rejected'
  return 'transient'
}
