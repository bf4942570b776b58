import { AdapterError, type AuthOperation } from 'authchart'

/**
 * A refusal the adapter decides on itself (no session, no token), as a rejected adapter error.
 *
 * @example
 * throw rejected('refresh', 'Clerk returned no token; the session has ended')
 */
export function rejected(operation: AuthOperation, reason: string): AdapterError {
  return new AdapterError(operation, 'rejected', { message: `${operation} failed (rejected): ${reason}` })
}

/**
 * A shared fetch reports under the operation of whoever started it; each caller gets its own.
 *
 * @example
 * throw relabel(error, 'restore')
 */
export function relabel(error: unknown, operation: AuthOperation): unknown {
  if (!(error instanceof AdapterError) || error.operation === operation) return error
  return new AdapterError(operation, error.kind, { cause: error.cause, retryAfterMs: error.retryAfterMs })
}
