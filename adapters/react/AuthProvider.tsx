import type { AuthClient } from 'authchart'
import type { ReactNode } from 'react'
import { AuthClientContext } from './AuthClientContext.js'

/** Props of {@link AuthProvider}. */
export interface AuthProviderProps<Credentials = unknown> {
  /** A client created (and started) outside React, once per page. */
  client: AuthClient<Credentials>
  children?: ReactNode
}

/**
 * Makes an auth client available to `useAuth`, `useAuthSelector` and `useAuthClient` below it.
 *
 * The provider neither starts nor stops the client. In development StrictMode React mounts,
 * unmounts and remounts every component and calls state initialisers twice; a client created or
 * started in there would restore twice and, with refresh-token rotation, spend the refresh token
 * twice. Created outside React, it exists once whatever React does.
 *
 * @example
 * const auth = createAuthClient({ adapter }).start()
 * createRoot(el).render(
 *   <StrictMode>
 *     <AuthProvider client={auth}><App /></AuthProvider>
 *   </StrictMode>,
 * )
 */
export function AuthProvider<Credentials = unknown>({ client, children }: AuthProviderProps<Credentials>) {
  // `.Provider` rather than React 19's `<Context value>`, so React 18 works too.
  return <AuthClientContext.Provider value={client as AuthClient<unknown>}>{children}</AuthClientContext.Provider>
}
