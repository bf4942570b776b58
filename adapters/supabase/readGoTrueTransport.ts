import { InvalidOptionsError } from 'authchart'

/** How a supabase-js auth client reaches GoTrue: its URL, headers (apikey, client info) and fetch. */
export interface GoTrueTransport {
  url: string
  headers: Record<string, string>
  fetch: typeof globalThis.fetch
}

/**
 * Reads the GoTrue URL, headers and fetch a supabase-js auth client was built with, so that the
 * adapter's refresh grant goes where and how the SDK's own would. They are protected members in
 * supabase-js's types; a version without them is refused here, at creation, not at the first
 * refresh.
 *
 * @example
 * const { url, headers, fetch } = readGoTrueTransport(supabase.auth)
 */
export function readGoTrueTransport(auth: object): GoTrueTransport {
  const { url, headers, fetch } = auth as { url?: unknown; headers?: unknown; fetch?: unknown }
  const headersOk =
    typeof headers === 'object' && headers !== null && Object.values(headers).every((v) => typeof v === 'string')
  if (typeof url !== 'string' || !headersOk || typeof fetch !== 'function') {
    throw new InvalidOptionsError(
      'createSupabaseAdapter: this supabase-js auth client has no url, headers or fetch; use @supabase/supabase-js 2.x',
    )
  }
  return { url, headers: headers as Record<string, string>, fetch: fetch as typeof globalThis.fetch }
}
