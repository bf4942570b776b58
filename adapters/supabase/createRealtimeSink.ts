import type { TokenSink } from 'authchart'

/** The part of supabase-js's `RealtimeClient` the sink drives. */
export interface RealtimeAuthTarget {
  accessToken: (() => Promise<string | null>) | null
  setAuth(token?: string | null): Promise<void>
}

/**
 * A token sink that keeps Supabase Realtime on the chart's token:
 * `auth.addTokenSink(createRealtimeSink(supabase.realtime))`. The chart calls it inside the
 * transition that carries a new token (sign-in, restore, refresh, another tab), so channels
 * joined afterwards carry the user JWT and joined channels get an `access_token` push, before any
 * subscriber sees `authenticated`.
 *
 * It also points realtime's `accessToken` callback at the chart. realtime-js calls that callback
 * on connect, on every heartbeat and after each join; supabase-js's default answers with the
 * SDK's own session or, when it has none, the anon key, which would overwrite the user JWT
 * (seed 001). Signed out, the callback answers `null`: joins carry no token at all.
 *
 * @example
 * const auth = createAuthClient({ adapter: createSupabaseAdapter(supabase) }).start()
 * auth.addTokenSink(createRealtimeSink(supabase.realtime))
 * supabase.channel('room').subscribe() // joins with the user JWT
 */
export function createRealtimeSink(realtime: RealtimeAuthTarget): TokenSink {
  let current: string | null = null
  realtime.accessToken = async () => current
  return (token) => {
    current = token
    // With a token, realtime-js updates every join payload before `setAuth` first awaits, so the
    // socket holds it synchronously; `null` goes through the callback above.
    return realtime.setAuth(token)
  }
}
