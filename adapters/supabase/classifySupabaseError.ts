import { AdapterError, AuthError, type Classification, type RejectionReason } from 'authchart'

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

// GoTrue's error codes (`error_code`, or `code` from API version 2024-01-01 on) for a refusal
// that says why. GoTrue deletes a signed-out session with its refresh tokens, so a session ended
// elsewhere comes back as `refresh_token_not_found`, as an unknown token does: GoTrue does not
// tell them apart. `session_expired` (a timebox, inactivity, a newer login) has no reason of its
// own and stays a plain rejection.
const REASONS: Readonly<Record<string, RejectionReason>> = {
  refresh_token_not_found: 'refresh_token_unknown',
  refresh_token_already_used: 'token_reused',
  session_not_found: 'family_revoked',
}

/**
 * Says whether a GoTrue failure ends the session, and why when GoTrue says so.
 * `invalid_grant`, 400, 401 and 403 (GoTrue answers 403 for a JWT whose session is gone) and any
 * other 4xx are `rejected`: the server said no and asking again will not change it. GoTrue's
 * `refresh_token_not_found`, `refresh_token_already_used` and `session_not_found` (which
 * supabase-js reports as `AuthSessionMissingError`) add the reason (`refresh_token_unknown`,
 * `token_reused`, `family_revoked`). Network failures (supabase-js's
 * `AuthRetryableFetchError`, status 0), 408, 429 and 5xx are `transient`, and so is anything
 * unknown, because only a server's explicit "no" may sign a user out.
 *
 * @example
 * classifySupabaseError(new AuthApiError('Invalid Refresh Token: Already Used', 400, 'refresh_token_already_used'))
 * // { kind: 'rejected', reason: 'token_reused' }
 * classifySupabaseError(new AuthApiError('Invalid Refresh Token: Session Expired', 400, 'session_expired')) // 'rejected'
 * classifySupabaseError(new AuthRetryableFetchError('fetch failed', 0)) // 'transient'
 */
export function classifySupabaseError(error: unknown): Classification {
  if (error instanceof AuthError) {
    if (error.kind !== 'rejected') return 'transient'
    const reason = error instanceof AdapterError ? error.reason : undefined
    return reason === undefined ? 'rejected' : { kind: 'rejected', reason }
  }
  if (field(error, 'name') === 'AuthRetryableFetchError') return 'transient'
  // supabase-js reports GoTrue's `session_not_found` as this, without the code. The adapter
  // always hands it a token, so it never means "no session held locally".
  if (field(error, 'name') === 'AuthSessionMissingError') return { kind: 'rejected', reason: 'family_revoked' }
  const status = field(error, 'status')
  if (status === 408 || status === 429 || (typeof status === 'number' && status >= 500)) return 'transient'
  const code = field(error, 'code') ?? field(error, 'error_code') ?? field(error, 'error')
  const rejected =
    code === 'invalid_grant' ||
    (typeof status === 'number' && status >= 400) ||
    (typeof code === 'string' && code in REASONS)
  if (!rejected) return 'transient'
  const reason = typeof code === 'string' ? REASONS[code] : undefined
  return reason === undefined ? 'rejected' : { kind: 'rejected', reason }
}
