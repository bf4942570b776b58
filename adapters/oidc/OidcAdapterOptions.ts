import type { AuthAdapter } from 'authchart'
import type { TransactionStorage } from './createSignInTransactions.js'

/** Options of {@link createOidcAdapter}. */
export interface OidcAdapterOptions {
  /** The provider's issuer identifier, e.g. `https://tenant.eu.auth0.com/`. Discovery starts from it. */
  issuer: string | URL
  /** The public client's id (no secret: a browser cannot keep one). */
  clientId: string
  /** Where the provider sends the browser back with `code` and `state`; must be registered. */
  redirectUri: string | URL
  /** Default `openid profile email offline_access` (`offline_access` asks for a refresh token). */
  scope?: string
  /**
   * Extra authorization request parameters for every sign-in: `audience` (Auth0), `prompt`,
   * `resource`, `acr_values`, … A sign-in's own `params` add to these.
   */
  authorizationParams?: Record<string, string>
  /** Where RP-initiated logout returns to; with it, `signOut` redirects to the provider's `end_session_endpoint`. */
  postLogoutRedirectUri?: string | URL
  /** Also fetch the userinfo endpoint on sign-in and refresh, and merge it into `user`. Default false. */
  userInfo?: boolean
  /** Revoke the refresh token at `signOut` when the provider has a revocation endpoint. Default true. */
  revokeOnSignOut?: boolean
  /**
   * Allow `http:` endpoints. Only for a provider on your own machine (a loopback issuer in
   * tests or development): over plain HTTP anyone on the path can read the tokens. Default false.
   */
  allowInsecureRequests?: boolean
  /** Leeway for ID token `exp` and `iat`, in seconds. Default 30. */
  clockTolerance?: number
  /**
   * How long a started sign-in waits for its callback, in ms, on the wall clock (`Date.now()`):
   * the wait spans two page loads and `createSignInUrl` runs outside any client call. Default 10
   * minutes.
   */
  callbackMaxAgeMs?: number
  /** Where pending sign-ins wait for their callback. Default the tab's `sessionStorage`, else memory. */
  transactionStorage?: TransactionStorage
  /** How the adapter leaves the page for the provider. Default `location.assign`. */
  navigate?: (url: URL) => void
  /** The fetch to use; default the global one, read at call time. */
  fetch?: typeof fetch
}

/** Authorization request parameters for one sign-in (`login_hint`, `prompt`, `ui_locales`, …). */
export type OidcSignInParams = Record<string, string>

/**
 * What `auth.signIn` takes with this adapter:
 * - `{ callbackUrl }` completes a sign-in on the callback page (pass `location.href`);
 * - anything else starts one: the browser leaves for the provider (`params` are added to the
 *   authorization request), and the returned promise settles only if the chart cancels it.
 */
export type OidcCredentials = { callbackUrl: string | URL } | { params?: OidcSignInParams } | undefined

/** The OIDC adapter: an {@link AuthAdapter} plus the URLs a page needs around the redirects. */
export interface OidcAdapter extends AuthAdapter<OidcCredentials> {
  /**
   * Starts a sign-in without leaving the page: keeps its PKCE verifier, `state` and `nonce`
   * for the callback and returns the authorization URL, for an app that redirects itself (or a
   * popup, or a test).
   */
  createSignInUrl(params?: OidcSignInParams): Promise<URL>
  /** Whether `url` is a callback for this client (its redirect URI, with `code` or `error` and `state`). */
  isCallback(url: string | URL): boolean
}
