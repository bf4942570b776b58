import { compactVerify, createRemoteJWKSet, customFetch, errors } from 'jose'
import { OidcError } from './OidcError.js'

// A public client has no secret: HMAC-signed ID tokens cannot be checked, and `none` never is.
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

/**
 * Checks an ID token's signature against the provider's JWKS (fetched with the adapter's
 * `fetch`, cached by jose). oauth4webapi checks the claims (`iss`, `aud`, `exp`, `iat`,
 * `nonce`, `azp`) but, as OIDC Core allows for a token received straight from the token
 * endpoint over TLS, not the signature; this adds it, so a tampered ID token is refused. A key
 * set that cannot be fetched is the network's fault and passes through, to be retried.
 *
 * @example
 * const check = createIdTokenSignatureCheck(as.jwks_uri, () => fetch)
 * await check(response.id_token)
 */
export function createIdTokenSignatureCheck(
  jwksUri: string,
  fetchImpl: () => typeof fetch,
): (idToken: string) => Promise<void> {
  const jwks = createRemoteJWKSet(new URL(jwksUri), {
    [customFetch]: (url, init) => fetchImpl()(url, init),
  })
  return async (idToken) => {
    try {
      await compactVerify(idToken, jwks, { algorithms: ASYMMETRIC })
    } catch (cause) {
      if (!(cause instanceof errors.JOSEError) || cause instanceof errors.JWKSTimeout) throw cause
      throw new OidcError(
        'id_token_invalid',
        `the ID token's signature does not verify with the provider's keys (${cause.code})`,
      )
    }
  }
}
