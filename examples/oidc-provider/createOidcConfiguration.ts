import type { JWK } from 'jose'
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider'

/** The accounts the provider knows; the interaction signs in the one named by `login_hint`. */
export const OIDC_ACCOUNTS = {
  ada: { email: 'ada@example.com', name: 'Ada Lovelace' },
  grace: { email: 'grace@example.com', name: 'Grace Hopper' },
} as const

export interface OidcConfigurationOptions {
  clientId: string
  accessTokenTtl: number
  idTokenTtl: number
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  /** The private signing key (a fresh one per start, so no development key is used). */
  signingKey: JWK
}

const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/

// Submits the provider's own logout form (it carries the xsrf token) with "yes": the test
// stand-in for the user clicking "Yes, sign me out".
const autoLogout = async (ctx: KoaContextWithOIDC, form: string) => {
  ctx.body = `<!DOCTYPE html><html><head><title>Signing out</title></head><body>${form}
<script>const f = document.forms[0]; const yes = document.createElement('input');
yes.type = 'hidden'; yes.name = 'logout'; yes.value = 'yes'; f.appendChild(yes); f.submit()</script></body></html>`
}

/**
 * The `oidc-provider` configuration of the fixture: what a typical SPA's provider is set to
 * (public client, PKCE, rotating refresh tokens), with test-friendly lifetimes and no human in
 * the interaction.
 *
 * @example
 * new Provider(issuer, createOidcConfiguration({ clientId: 'app', accessTokenTtl: 10, idTokenTtl: 3600, redirectUris, postLogoutRedirectUris }))
 */
export function createOidcConfiguration(options: OidcConfigurationOptions): Configuration {
  return {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: 'none',
        // `native`: RFC 8252 loopback redirect URIs match on any port, so tests on a free port
        // and the demo on 5173 share one registration.
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    async findAccount(_ctx, id) {
      const account = OIDC_ACCOUNTS[id as keyof typeof OIDC_ACCOUNTS]
      if (account === undefined) return undefined
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: true, name: account.name }),
      }
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: autoLogout },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // A refresh token whenever the client may use the grant, as Auth0, Keycloak and Cognito do
    // for `offline_access`; oidc-provider's default also wants `prompt=consent`.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // Pages on any loopback port may call the token and userinfo endpoints (the demo, the e2e).
    clientBasedCORS: (_ctx, origin) => LOOPBACK_ORIGIN.test(origin),
    // Short lifetimes must mean what they say.
    clockTolerance: 0,
    ttl: {
      AccessToken: options.accessTokenTtl,
      IdToken: options.idTokenTtl,
      RefreshToken: 14 * 24 * 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    cookies: { keys: ['authchart-test-fixture-cookie-key'] },
    jwks: { keys: [options.signingKey as never] },
  }
}
