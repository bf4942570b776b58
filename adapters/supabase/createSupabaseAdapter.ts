import type {
  SignInWithIdTokenCredentials,
  SignInWithPasswordCredentials,
  SupabaseClient,
  VerifyOtpParams,
} from '@supabase/supabase-js'
import {
  type AuthAdapter,
  InvalidOptionsError,
  InvalidSessionError,
  type Session,
  type SessionInput,
  whileNotAborted,
} from 'authchart'
import { classifySupabaseError } from './classifySupabaseError.js'
import { parseGoTrueSession, parseGoTrueUser } from './parseGoTrueSession.js'
import { readGoTrueTransport } from './readGoTrueTransport.js'
import { refreshGoTrueSession } from './refreshGoTrueSession.js'

/**
 * What `auth.signIn` accepts with the Supabase adapter, typed by supabase-js itself:
 * email or phone with a password, an OTP (`{ email, token, type: 'email' }`,
 * `{ phone, token, type: 'sms' }`, `{ token_hash, type }`), or an OpenID id token
 * (`{ provider: 'google', token }`).
 */
export type SupabaseCredentials = SignInWithPasswordCredentials | VerifyOtpParams | SignInWithIdTokenCredentials

/** Options for {@link createSupabaseAdapter}. */
export interface SupabaseAdapterOptions {
  /** Which sessions `signOut` ends on the server, as in supabase-js. Default `'global'`. */
  signOutScope?: 'global' | 'local' | 'others'
  /**
   * Finds a session supabase-js persisted before the app moved to authchart (the JSON under
   * `sb-<project>-auth-token`), when authchart's own store is empty. Return the parsed JSON, or
   * `null`. What it returns is parsed like any GoTrue answer, and a throw lands in
   * `snapshot.error` with the client `unauthenticated`.
   */
  importSession?: () => unknown
}

/** The auth client of a supabase-js client: the only part the adapter uses. */
export type SupabaseAuthLike = Pick<SupabaseClient, 'auth'>

type AuthResult = { data: { session?: unknown; user?: unknown } | null; error: unknown }

function unwrap(result: AuthResult): { session?: unknown; user?: unknown } {
  if (result.error) throw result.error
  return result.data ?? {}
}

// The SDK's `signOut()` ends only a session the SDK holds, and here it holds none; GoTrue answers
// these statuses for a session that is already gone, which is what signing out wants.
function alreadySignedOut(error: unknown): boolean {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined
  return status === 401 || status === 403 || status === 404 || name === 'AuthSessionMissingError'
}

function assertNoSecondOwner(supabase: SupabaseAuthLike): void {
  // Protected in supabase-js's types, read here only to refuse a client that would refresh or
  // store sessions on its own next to the chart.
  const auth = supabase.auth as unknown as { autoRefreshToken?: unknown; storage?: { discardsSessions?: unknown } }
  if (auth.autoRefreshToken !== false || auth.storage?.discardsSessions !== true) {
    throw new InvalidOptionsError(
      'createSupabaseAdapter: create the Supabase client with createSupabaseClientOptions(), so that it neither refreshes nor stores sessions on its own (see docs/adapters/supabase.md)',
    )
  }
}

/**
 * The authchart adapter for Supabase Auth, driven through a real supabase-js client. Sign-in
 * uses `signInWithPassword`, `verifyOtp` or `signInWithIdToken`; validation is
 * `auth.getUser(accessToken)`; sign-out ends the server session with the user's JWT. Refresh is
 * one `refresh_token` grant on the client's own GoTrue URL, headers and fetch, because
 * `auth.refreshSession` retries network failures with its own real-time sleeps and caches a
 * failure for 60 s, which would take the retry policy away from the chart. Everything GoTrue
 * returns is parsed; bad data is an `InvalidSessionError`.
 *
 * The client must be created with {@link createSupabaseClientOptions}: the adapter refuses one
 * that would refresh or keep sessions on its own.
 *
 * @example
 * const supabase = createClient(url, anonKey, { ...createSupabaseClientOptions(() => auth) })
 * const auth = createAuthClient({ adapter: createSupabaseAdapter(supabase) }).start()
 * await auth.signIn({ email: 'ada@example.com', password: 'secret' })
 */
export function createSupabaseAdapter(
  supabase: SupabaseAuthLike,
  options: SupabaseAdapterOptions = {},
): AuthAdapter<SupabaseCredentials> {
  // The time comes from the client (AdapterContext.now). A leftover `clock` is refused rather than
  // ignored: ignored, a test that passed it only here would silently run on two clocks.
  if ((options as { clock?: unknown }).clock !== undefined) {
    throw new InvalidOptionsError(
      'createSupabaseAdapter: the clock option was removed; the adapter reads the time from the client, so pass clock to createAuthClient instead',
    )
  }
  assertNoSecondOwner(supabase)
  const gotrue = readGoTrueTransport(supabase.auth)
  const scope = options.signOutScope ?? 'global'

  const signInWith = (credentials: SupabaseCredentials): Promise<AuthResult> => {
    const auth = supabase.auth
    if ('password' in credentials) return auth.signInWithPassword(credentials)
    if ('provider' in credentials) return auth.signInWithIdToken(credentials)
    if ('type' in credentials) return auth.verifyOtp(credentials)
    throw new InvalidOptionsError(
      'Supabase credentials need a password, an OTP token with its type, or a provider id token',
    )
  }

  return {
    name: 'supabase',
    classify: classifySupabaseError,

    // `expires_in` is counted on the client's clock (`now`), from when GoTrue's answer arrived.
    async signIn(credentials, { signal, now }): Promise<SessionInput> {
      const data = unwrap(await whileNotAborted(signal, () => signInWith(credentials)))
      return parseGoTrueSession(data.session, 'sign-in response', now())
    },

    async refresh(session: Session, { signal, now }): Promise<SessionInput> {
      if (!session.refreshToken)
        throw new InvalidSessionError('session has no refresh token', { field: 'refreshToken' })
      const raw = await refreshGoTrueSession(gotrue, session.refreshToken, signal)
      return parseGoTrueSession(raw, 'refresh response', now())
    },

    async restore({ signal }): Promise<SessionInput | null> {
      const importSession = options.importSession
      if (!importSession) return null
      const raw = await whileNotAborted(signal, async () => importSession())
      return raw === null || raw === undefined ? null : parseGoTrueSession(raw, 'imported session', undefined)
    },

    async validate(session: Session, { signal }) {
      const data = unwrap(await whileNotAborted(signal, () => supabase.auth.getUser(session.accessToken)))
      return { user: parseGoTrueUser(data.user, 'getUser response') }
    },

    async signOut(session: Session, { signal }) {
      const { error } = await whileNotAborted(signal, () => supabase.auth.admin.signOut(session.accessToken, scope))
      if (error && !alreadySignedOut(error)) throw error
    },
  }
}
