import { AdapterError, AuthError, type AuthOperation, type Classification, type RejectionReason } from './errors.js'
import { redactSecrets } from './redactSecrets.js'

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

/**
 * Whether a failure is a programming error (`TypeError`, `ReferenceError`, `SyntaxError`,
 * `RangeError`) rather than a server's answer. Such an error is never a "no" from the server: a
 * bug in an adapter must not sign anyone out. (`fetch` also reports a dropped network as a
 * `TypeError`, which is transient too.)
 *
 * @example
 * isProgrammingError(new TypeError('x is not a function')) // true
 */
export function isProgrammingError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError ||
    error instanceof RangeError
  )
}

/**
 * The classification used when an adapter has no `classify` of its own: an HTTP 400 with
 * `invalid_grant`, a 401 or a 403 is `rejected`; anything else (network, 5xx, 429, timeouts,
 * programming errors) is `transient`, because only a server's explicit "no" may end a session.
 *
 * @example
 * defaultClassify({ status: 401 }) // 'rejected'
 * defaultClassify(new TypeError('fetch failed')) // 'transient'
 */
export function defaultClassify(error: unknown): Classification {
  if (error instanceof AuthError) return error.kind === 'rejected' ? 'rejected' : 'transient'
  if (isProgrammingError(error)) return 'transient'
  const status = field(error, 'status') ?? field(error, 'statusCode')
  const code = field(error, 'code') ?? field(error, 'error')
  if (status === 401 || status === 403) return 'rejected'
  if (code === 'invalid_grant') return 'rejected'
  return 'transient'
}

const REASONS: ReadonlySet<string> = new Set<RejectionReason>([
  'token_reused',
  'family_revoked',
  'refresh_token_unknown',
  'validation_rejected',
  'token_expired',
  'no_refresh_token',
  'refresh_rejected',
])

/**
 * Wraps an adapter failure into an {@link AdapterError} using the adapter's `classify`. Errors
 * that are already authchart errors (a parse failure, say) pass through unchanged. A programming
 * error (`TypeError`, …) is transient whatever `classify` says, and so is an answer `classify`
 * cannot give (it threw, or returned something that is not a {@link Classification}).
 *
 * `secrets` (the tokens of the session the adapter was given) are removed from the result, its
 * message and its whole `cause` chain, after `classify` has seen the original: the error reaches
 * `snapshot.error`, the `error` event and rejected promises. If a field holding one cannot be
 * rewritten (a frozen error), the adapter's error is dropped and only its classification kept.
 *
 * @example
 * throw toAdapterError('refresh', error, adapter.classify, sessionSecrets(session))
 */
export function toAdapterError(
  operation: AuthOperation,
  error: unknown,
  classify: (error: unknown) => Classification = defaultClassify,
  // Stryker disable next-line ArrayDeclaration: equivalent, a seeded "Stryker was here" secret is text no error holds
  secrets: readonly string[] = [],
): AuthError {
  const wrapped = wrapAdapterError(operation, error, classify)
  if (redactSecrets(wrapped, secrets)) return wrapped
  const kind = wrapped.kind === 'rejected' ? 'rejected' : 'transient'
  return new AdapterError(operation, kind, {
    message: `${operation} failed (${kind}): the adapter's error held a token and could not be redacted`,
    ...(wrapped instanceof AdapterError
      ? {
          reason: wrapped.reason,
          ...(wrapped.retryAfterMs === undefined ? {} : { retryAfterMs: wrapped.retryAfterMs }),
        }
      : {}),
  })
}

function wrapAdapterError(
  operation: AuthOperation,
  error: unknown,
  classify: (error: unknown) => Classification,
): AuthError {
  if (error instanceof AuthError) return error
  const retryAfter = field(error, 'retryAfterMs')
  const retryAfterMs = typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : undefined
  if (isProgrammingError(error)) return new AdapterError(operation, 'transient', { cause: error, retryAfterMs })
  let verdict: unknown
  try {
    verdict = classify(error)
  } catch (classifyError) {
    return new AdapterError(operation, 'transient', {
      cause: error,
      message: `${operation} failed, and the adapter's classify threw: ${String(classifyError)}`,
    })
  }
  if (verdict === 'rejected' || verdict === 'transient') {
    return new AdapterError(operation, verdict, { cause: error, retryAfterMs })
  }
  const reason = field(verdict, 'reason')
  if (field(verdict, 'kind') === 'rejected' && typeof reason === 'string' && REASONS.has(reason)) {
    return new AdapterError(operation, 'rejected', { cause: error, reason: reason as RejectionReason })
  }
  return new AdapterError(operation, 'transient', {
    cause: error,
    retryAfterMs,
    message: `${operation} failed, and the adapter's classify returned ${JSON.stringify(verdict) ?? String(verdict)}, which is not a classification; treated as transient`,
  })
}
