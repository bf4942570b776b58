import { type AdapterContext, InvalidSessionError } from 'authchart'
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose'

/** How access tokens are verified against the backend's published keys. */
export interface TokenVerificationOptions {
  /** The JWKS document, e.g. `https://api.example.com/.well-known/jwks.json`. */
  jwks: URL | string
  /** The expected `iss`; checked when given. */
  issuer?: string | string[]
  /** The expected `aud`; checked when given. */
  audience?: string | string[]
  /** Leeway for `exp` and `nbf`, in seconds. Default 30. */
  clockTolerance?: number
  /**
   * The accepted algorithms. Default: the asymmetric ones. HS* are never accepted with a JWKS,
   * whatever this says: a public key used as an HMAC secret is the classic algorithm-confusion
   * attack.
   */
  algorithms?: string[]
}

const ASYMMETRIC = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519']

/**
 * Builds the check a REST adapter runs on every access token it receives: the signature against
 * the remote JWKS (fetched with the adapter's `fetch`, cached by jose), then `iss`, `aud`, `exp`
 * and `nbf`. Unsigned (`alg: none`) and HMAC tokens are refused. Failures are
 * `InvalidSessionError`s on `access_token`, with jose's error code and never the token.
 *
 * @example
 * const verify = createTokenVerifier({ jwks: 'https://api.example.com/.well-known/jwks.json', issuer: 'api' }, () => fetch)
 * await verify(accessToken, { signal, now }) // the adapter call's context: the client's clock
 */
export function createTokenVerifier(
  options: TokenVerificationOptions,
  fetchImpl: () => typeof fetch,
): (accessToken: string, ctx: AdapterContext) => Promise<void> {
  const jwks = createRemoteJWKSet(new URL(options.jwks), {
    [customFetch]: (url, init) => fetchImpl()(url, init),
  })
  const algorithms = (options.algorithms ?? ASYMMETRIC).filter((alg) => !alg.startsWith('HS') && alg !== 'none')
  return async (accessToken, { signal, now }) => {
    signal.throwIfAborted()
    try {
      await jwtVerify(accessToken, jwks, {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockTolerance ?? 30,
        currentDate: new Date(now()),
      })
    } catch (cause) {
      // The key set could not be fetched: that is the network's fault, not the token's, and the
      // adapter's classify makes it transient.
      if (!(cause instanceof errors.JOSEError) || cause instanceof errors.JWKSTimeout) throw cause
      const code = cause.code
      throw new InvalidSessionError(`access token failed verification (${code})`, { field: 'access_token', cause })
    }
  }
}
