import { AdapterError } from 'authchart'
import { classifySupabaseError } from './classifySupabaseError.js'
import type { GoTrueTransport } from './readGoTrueTransport.js'

function stringField(value: unknown, ...keys: string[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  for (const key of keys) {
    const found = (value as Record<string, unknown>)[key]
    if (typeof found === 'string') return found
  }
  return undefined
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after')
  if (header === null) return undefined
  const seconds = Number(header)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined
}

/**
 * One `refresh_token` grant against GoTrue, with the caller's `AbortSignal`. Returns the raw
 * JSON body (parsed by the caller); an HTTP failure becomes an {@link AdapterError} classified
 * from its status and GoTrue error code (with the rejection reason the code names), carrying
 * `Retry-After`. Network failures and aborts
 * reject as `fetch` rejects. No retry happens here: retrying is the chart's job.
 *
 * @example
 * const raw = await refreshGoTrueSession(readGoTrueTransport(supabase.auth), refreshToken, signal)
 */
export async function refreshGoTrueSession(
  gotrue: GoTrueTransport,
  refreshToken: string,
  signal: AbortSignal,
): Promise<unknown> {
  const response = await gotrue.fetch(`${gotrue.url}/token?grant_type=refresh_token`, {
    method: 'POST',
    headers: { ...gotrue.headers, 'Content-Type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ refresh_token: refreshToken }),
    signal,
  })
  if (response.ok) return response.json()
  const body: unknown = await response.json().catch((cause: unknown) => ({ unreadable: cause }))
  const code = stringField(body, 'error_code', 'code', 'error')
  const detail = { status: response.status, code }
  const classified = classifySupabaseError(detail)
  const kind = classified === 'transient' ? 'transient' : 'rejected'
  const reason = typeof classified === 'object' ? classified.reason : undefined
  throw new AdapterError('refresh', kind, {
    cause: detail,
    reason,
    retryAfterMs: retryAfterMs(response),
    message: `refresh failed (${kind}${reason === undefined ? '' : `, ${reason}`}): GoTrue answered ${response.status}${code === undefined ? '' : ` ${code}`}`,
  })
}
