import { AdapterError, AuthError, type AuthOperation } from './errors.js'

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

/**
 * The classification used when an adapter has no `classify` of its own: an HTTP 400 with
 * `invalid_grant`, a 401 or a 403 is `rejected`; anything else (network, 5xx, 429, timeouts)
 * is `transient`, because only a server's explicit "no" may end a session.
 *
 * @example
 * defaultClassify({ status: 401 }) // 'rejected'
 * defaultClassify(new TypeError('fetch failed')) // 'transient'
 */
export function defaultClassify(error: unknown): 'rejected' | 'transient' {
  if (error instanceof AuthError) return error.kind === 'rejected' ? 'rejected' : 'transient'
  const status = field(error, 'status') ?? field(error, 'statusCode')
  const code = field(error, 'code') ?? field(error, 'error')
  if (status === 401 || status === 403) return 'rejected'
  if (code === 'invalid_grant') return 'rejected'
  return 'transient'
}

/**
 * Wraps an adapter failure into an {@link AdapterError} using the adapter's `classify`. Errors
 * that are already authchart errors (a parse failure, say) pass through unchanged.
 *
 * @example
 * throw toAdapterError('refresh', error, adapter.classify)
 */
export function toAdapterError(
  operation: AuthOperation,
  error: unknown,
  classify: (error: unknown) => 'rejected' | 'transient' = defaultClassify,
): AuthError {
  if (error instanceof AuthError) return error
  let kind: 'rejected' | 'transient'
  try {
    kind = classify(error)
  } catch (classifyError) {
    return new AdapterError(operation, 'transient', {
      cause: error,
      message: `${operation} failed, and the adapter's classify threw: ${String(classifyError)}`,
    })
  }
  const retryAfter = field(error, 'retryAfterMs')
  return new AdapterError(operation, kind, {
    cause: error,
    retryAfterMs: typeof retryAfter === 'number' ? retryAfter : undefined,
  })
}
