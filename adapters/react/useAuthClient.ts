import { type AuthClient, InvalidOptionsError } from 'authchart'
import { useContext } from 'react'
import { AuthClientContext } from './AuthClientContext.js'

/**
 * Returns the client passed to the nearest `AuthProvider`, for what the hooks do not wrap:
 * `fetch`, `addTokenSink`, `on`. Throws when there is no provider, since a component that
 * silently saw "signed out" would hide the mistake.
 *
 * @example
 * const auth = useAuthClient()
 * useEffect(() => auth.addTokenSink((token) => socket.setAuth(token)), [auth])
 */
export function useAuthClient<Credentials = unknown>(): AuthClient<Credentials> {
  const client = useContext(AuthClientContext)
  if (client === null) {
    throw new InvalidOptionsError('authchart/react: no <AuthProvider client={...}> above this component')
  }
  return client as AuthClient<Credentials>
}
