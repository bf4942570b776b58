import { AuthError } from 'authchart'

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

/**
 * Says whether a GoTrue failure ends the session. `invalid_grant`, 400, 401 and 403 (GoTrue
 * answers 403 for a JWT whose session is gone) and any other 4xx are `rejected`: the server said
 * no and asking again will not change it. Network failures (supabase-js's
 * `AuthRetryableFetchError`, status 0), 408, 429 and 5xx are `transient`, and so is anything
 * unknown, because only a server's explicit "no" may sign a user out.
 *
 * @example
 * classifySupabaseError(new AuthApiError('Invalid Refresh Token', 400, 'refresh_token_not_found')) // 'rejected'
 * classifySupabaseError(new AuthRetryableFetchError('fetch failed', 0)) // 'transient'
 */
export function classifySupabaseError(error: unknown): 'rejected' | 'transient' {
  if (error instanceof AuthError) return error.kind === 'rejected' ? 'rejected' : 'transient'
  if (field(error, 'name') === 'AuthRetryableFetchError') return 'transient'
  const code = field(error, 'code') ?? field(error, 'error')
  if (code === 'invalid_grant') return 'rejected'
  const status = field(error, 'status')
  if (typeof status !== 'number' || status === 0) return 'transient'
  if (status === 408 || status === 429 || status >= 500) return 'transient'
  if (status >= 400) return 'rejected'
  return 'transient'
}
