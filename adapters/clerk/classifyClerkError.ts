import { AdapterError, AuthError, type AuthOperation } from 'authchart'
import * as z from 'zod/mini'

// Codes Clerk's Frontend API answers with when the session itself is gone: retrying cannot help.
const SESSION_ENDED_CODES: ReadonlySet<string> = new Set([
  'authentication_invalid',
  'resource_not_found',
  'session_not_found',
  'session_ended',
  'session_expired',
  'session_revoked',
  'signed_out',
])

// The shape of `ClerkAPIResponseError` and `ClerkRuntimeError`, read loosely: an error from a
// newer Clerk with extra fields must still classify.
const clerkErrorSchema = z.looseObject({
  status: z.optional(z.number()),
  code: z.optional(z.string()),
  retryAfter: z.optional(z.number()),
  errors: z.optional(z.array(z.looseObject({ code: z.optional(z.string()) }))),
})

/**
 * Says whether a Clerk failure ends the session (`rejected`: 401, 403, a session that no longer
 * exists) or is worth retrying (`transient`: network, offline, 5xx, 429). Anything unknown is
 * transient, because only Clerk's explicit "no" may sign a user out.
 *
 * @example
 * classifyClerkError({ clerkError: true, status: 401, errors: [] }) // 'rejected'
 * classifyClerkError({ code: 'network_error', message: 'offline' }) // 'transient'
 */
export function classifyClerkError(error: unknown): 'rejected' | 'transient' {
  if (error instanceof AuthError) return error.kind === 'rejected' ? 'rejected' : 'transient'
  const parsed = clerkErrorSchema.safeParse(error)
  if (!parsed.success) return 'transient'
  const { status, code, errors } = parsed.data
  if (status === 401 || status === 403 || status === 404) return 'rejected'
  if (code !== undefined && SESSION_ENDED_CODES.has(code)) return 'rejected'
  if (status === undefined || status < 500) {
    if (errors?.some((e) => e.code !== undefined && SESSION_ENDED_CODES.has(e.code))) return 'rejected'
  }
  return 'transient'
}

/**
 * Translates a Clerk failure into an {@link AdapterError}, keeping Clerk's `retryAfter` (seconds)
 * as `retryAfterMs` so the chart's backoff respects a 429. authchart errors pass through.
 *
 * @example
 * throw toClerkAdapterError('refresh', error) // AdapterError { kind: 'transient', retryAfterMs: 2000 }
 */
export function toClerkAdapterError(operation: AuthOperation, error: unknown): AuthError {
  if (error instanceof AuthError) return error
  const parsed = clerkErrorSchema.safeParse(error)
  const retryAfter = parsed.success ? parsed.data.retryAfter : undefined
  return new AdapterError(operation, classifyClerkError(error), {
    cause: error,
    retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
  })
}
