import { AdapterError, type AuthOperation, type RejectionReason } from 'authchart'

/**
 * A refusal the adapter decides on itself (no session, no token), as a rejected adapter error,
 * with the rejection reason when the adapter knows it.
 *
 * @example
 * throw rejected('refresh', 'Clerk returned no token; the session has ended', 'family_revoked')
 */
export function rejected(operation: AuthOperation, why: string, reason?: RejectionReason): AdapterError {
  const label = reason === undefined ? 'rejected' : `rejected, ${reason}`
  return new AdapterError(operation, 'rejected', { message: `${operation} failed (${label}): ${why}`, reason })
}

// Clerk's session statuses that mean the session was ended on purpose (a sign-out, a revocation
// from the Dashboard or the Backend API, another sign-in replacing it), not that it ran out.
const ENDED_STATUSES: ReadonlySet<string> = new Set(['ended', 'removed', 'replaced', 'revoked'])

/**
 * The rejection reason for a Clerk session that can no longer give tokens: `family_revoked` when
 * its status says it was ended (`ended`, `removed`, `replaced`, `revoked`), none when it ran out
 * (`expired`, `abandoned`) or the status says nothing.
 *
 * @example
 * endedReason('revoked') // 'family_revoked'
 * endedReason('expired') // undefined
 */
export function endedReason(status: string | undefined): RejectionReason | undefined {
  return status !== undefined && ENDED_STATUSES.has(status) ? 'family_revoked' : undefined
}

/**
 * A shared fetch reports under the operation of whoever started it; each caller gets its own.
 *
 * @example
 * throw relabel(error, 'restore')
 */
export function relabel(error: unknown, operation: AuthOperation): unknown {
  if (!(error instanceof AdapterError) || error.operation === operation) return error
  return new AdapterError(operation, error.kind, {
    cause: error.cause,
    retryAfterMs: error.retryAfterMs,
    reason: error.reason,
  })
}
