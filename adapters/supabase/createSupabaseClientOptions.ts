import { AuthError, type AuthSnapshot, NotAuthenticatedError } from 'authchart'

/** What the Supabase client needs from the authchart client: its token and its fetch. */
export interface SupabaseTokenSource {
  getToken(): Promise<string>
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  getSnapshot(): AuthSnapshot
}

/** Options for {@link createSupabaseClientOptions}. */
export interface SupabaseClientOptionsOptions {
  /** The fetch GoTrue calls and signed-out requests go through. Default: the global `fetch`, read at call time. */
  fetch?: typeof globalThis.fetch
}

/** A supabase-js `auth.storage` that keeps nothing. */
export interface DiscardingStorage {
  readonly discardsSessions: true
  getItem(key: string): null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * The `auth.storage` authchart's client options give supabase-js: writes vanish and reads find
 * nothing, so the SDK never holds a session of its own. A held copy would be read by every
 * PostgREST, functions and realtime call, and supabase-js refreshes an expiring copy on read,
 * even with `autoRefreshToken: false`: a second refresher, spending the chart's rotated refresh
 * token.
 *
 * @example
 * createClient(url, key, { auth: { persistSession: true, storage: discardingStorage } })
 */
export const discardingStorage: DiscardingStorage = Object.freeze({
  discardsSessions: true as const,
  getItem: () => null,
  setItem: () => undefined,
  removeItem: () => undefined,
})

function sessionEndedResponse(error: AuthError): Response {
  return new Response(JSON.stringify({ code: error.code, message: error.message }), {
    status: 401,
    statusText: 'Unauthorized',
    headers: { 'content-type': 'application/json', 'x-authchart': 'local' },
  })
}

function urlOf(input: RequestInfo | URL): URL | null {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  try {
    return new URL(raw)
  } catch {
    // A relative URL is not a Supabase endpoint supabase-js would build; treat it as data.
    return null
  }
}

/**
 * The `createClient` options that make authchart the single owner of the Supabase session:
 * - `auth`: no auto-refresh, no URL detection, and {@link discardingStorage}, so the SDK keeps
 *   no second session store and has nothing to refresh on its own;
 * - `global.fetch`: every PostgREST, functions and storage request carries the chart's token
 *   (through `auth.fetch`: a due refresh is waited for, and a 401 gets one forced refresh and one
 *   retry). GoTrue calls (`/auth/v1/`) pass through untouched: they carry their own
 *   credentials, and asking the chart for a token while it refreshes would wait on itself.
 *   Signed out, requests go out as supabase-js made them, with the anon key. With the session
 *   expired, nothing is sent: the request is answered locally with a 401 whose body carries the
 *   chart's error code (`session_expired`) and message.
 *
 * `getAuth` is called per request, so the Supabase client can be created before the authchart
 * client that needs it.
 *
 * @example
 * const supabase = createClient(url, anonKey, {
 *   ...createSupabaseClientOptions(() => auth),
 *   realtime: { transport: WebSocket },
 * })
 * const auth = createAuthClient({ adapter: createSupabaseAdapter(supabase) }).start()
 * auth.addTokenSink(createRealtimeSink(supabase.realtime))
 */
export function createSupabaseClientOptions(
  getAuth: () => SupabaseTokenSource,
  options: SupabaseClientOptionsOptions = {},
) {
  const plainFetch: typeof globalThis.fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init)

  const fetchWithChartToken: typeof globalThis.fetch = async (input, init) => {
    const url = urlOf(input)
    if (url?.pathname.includes('/auth/v1/')) return plainFetch(input, init)
    const auth = getAuth()
    try {
      await auth.getToken()
    } catch (error) {
      // Signed out: an anonymous request, as supabase-js sends it.
      if (error instanceof NotAuthenticatedError) return plainFetch(input, init)
      // An expired session is answered here with the 401 the server would give, never sent
      // anonymously; a thrown error would make PostgREST retry it with its own sleeps.
      if (error instanceof AuthError && error.kind === 'rejected') return sessionEndedResponse(error)
      throw error
    }
    return auth.fetch(input, init)
  }

  return {
    auth: {
      autoRefreshToken: false,
      persistSession: true,
      detectSessionInUrl: false,
      storage: discardingStorage,
    },
    global: { fetch: fetchWithChartToken },
  }
}
