import { AdapterError, AuthError, type AuthOperation, type Classification, type RejectionReason } from 'authchart'
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
  'user_banned',
  'user_deactivated',
])

// Of those, the ones that say the session was ended on purpose: signed out, revoked (Dashboard,
// Backend API), removed, or its user banned or deactivated. Clerk has no refresh tokens of its
// own to reuse or lose, so `token_reused` and `refresh_token_unknown` never come from it;
// `authentication_invalid` (no active session on the request), `resource_not_found` (also a
// missing JWT template) and `session_expired` say nothing more and stay plain rejections.
const REASONS: Readonly<Record<string, RejectionReason>> = {
  session_not_found: 'family_revoked',
  session_ended: 'family_revoked',
  session_revoked: 'family_revoked',
  signed_out: 'family_revoked',
  user_banned: 'family_revoked',
  user_deactivated: 'family_revoked',
}

// The shape of `ClerkAPIResponseError` and `ClerkRuntimeError`, read loosely: an error from a
// newer Clerk with extra fields must still classify.
const clerkErrorSchema = z.looseObject({
  status: z.optional(z.number()),
  code: z.optional(z.string()),
  retryAfter: z.optional(z.number()),
  errors: z.optional(z.array(z.looseObject({ code: z.optional(z.string()) }))),
})

/**
 * Says whether a Clerk failure ends the session (`rejected`: 401, 403, 404, a session that no
 * longer exists) or is worth retrying (`transient`: network, offline, 5xx, 429). Anything unknown
 * is transient, because only Clerk's explicit "no" may sign a user out. A code saying the session
 * was ended on purpose (`session_revoked`, `session_ended`, `signed_out`, `session_not_found`,
 * `user_banned`, `user_deactivated`) adds the reason `family_revoked`.
 *
 * @example
 * classifyClerkError({ clerkError: true, status: 401, errors: [] }) // 'rejected'
 * classifyClerkError({ clerkError: true, status: 403, errors: [{ code: 'user_banned' }] })
 * // { kind: 'rejected', reason: 'family_revoked' }
 * classifyClerkError({ code: 'network_error', message: 'offline' }) // 'transient'
 */
export function classifyClerkError(error: unknown): Classification {
  if (error instanceof AuthError) {
    if (error.kind !== 'rejected') return 'transient'
    const reason = error instanceof AdapterError ? error.reason : undefined
    return reason === undefined ? 'rejected' : { kind: 'rejected', reason }
  }
  const parsed = clerkErrorSchema.safeParse(error)
  if (!parsed.success) return 'transient'
  const { status, code, errors } = parsed.data
  const codes = [code, ...(status === undefined || status < 500 ? (errors ?? []).map((e) => e.code) : [])]
  const reason = codes.map((c) => (c === undefined ? undefined : REASONS[c])).find((r) => r !== undefined)
  const ended =
    status === 401 ||
    status === 403 ||
    status === 404 ||
    codes.some((c) => c !== undefined && SESSION_ENDED_CODES.has(c))
  if (!ended || (status !== undefined && (status >= 500 || status === 429))) return 'transient'
  return reason === undefined ? 'rejected' : { kind: 'rejected', reason }
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
  const classified = classifyClerkError(error)
  return new AdapterError(operation, classified === 'transient' ? 'transient' : 'rejected', {
    cause: error,
    retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
    reason: typeof classified === 'object' ? classified.reason : undefined,
  })
}
