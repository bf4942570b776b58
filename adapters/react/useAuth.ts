import type { AuthSnapshot, RefreshOptions, SessionInfo } from 'authchart'
import { useMemo } from 'react'
import { useAuthClient } from './useAuthClient.js'
import { useAuthSelector } from './useAuthSelector.js'

/** What {@link useAuth} returns: the snapshot's fields and the client's session calls. */
export interface UseAuthResult<Credentials = unknown> extends AuthSnapshot {
  signIn(credentials: Credentials): Promise<SessionInfo>
  signOut(): Promise<void>
  getToken(): Promise<string>
  refresh(options?: RefreshOptions): Promise<SessionInfo>
}

const whole = (snapshot: AuthSnapshot) => snapshot

/**
 * Returns the session snapshot (`status`, `session`, `user`, `claims`, `error`) and `signIn`,
 * `signOut`, `getToken`, `refresh`. The component re-renders whenever any snapshot field
 * changes, a token refresh included; use `useAuthSelector` for a narrower view.
 *
 * `error` is an `AuthError`: render `error.message` (and branch on `error.code`), not the object.
 *
 * @example
 * function Account() {
 *   const { status, user, error, signOut } = useAuth()
 *   if (error) return <p role="alert">{error.message}</p>
 *   if (status !== 'authenticated') return <p>{status}</p>
 *   return <button onClick={() => signOut()}>Sign out {user?.email}</button>
 * }
 */
export function useAuth<Credentials = unknown>(): UseAuthResult<Credentials> {
  const client = useAuthClient<Credentials>()
  const snapshot = useAuthSelector(whole)
  // Stable per client, so they can go into effect dependencies and memoised children.
  const calls = useMemo(
    () => ({
      signIn: (credentials: Credentials) => client.signIn(credentials),
      signOut: () => client.signOut(),
      getToken: () => client.getToken(),
      refresh: (options?: RefreshOptions) => client.refresh(options),
    }),
    [client],
  )
  return useMemo(() => ({ ...snapshot, ...calls }), [snapshot, calls])
}
