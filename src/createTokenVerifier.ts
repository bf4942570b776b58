import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose'
import { InvalidSessionError } from './errors.js'

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
  /** The field a failure names, and the token's name in its message. Default `access_token`. */
  field?: string
}

const ASYMMETRIC = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519']

/**
 * Builds the check an adapter runs on every token it receives (the REST adapter's access
 * tokens, the OIDC adapter's ID tokens): the signature against the remote JWKS (fetched with the
 * adapter's `fetch`, cached by jose), then `iss`, `aud`, `exp` and `nbf`. Unsigned (`alg: none`)
 * and HMAC tokens are refused. Failures are `InvalidSessionError`s on `field`, with jose's error
 * code and never the token.
 *
 * @example
 * const verify = createTokenVerifier({ jwks: 'https://api.example.com/.well-known/jwks.json', issuer: 'api' }, fetch, Date.now)
 * await verify(accessToken)
 */
export function createTokenVerifier(
  options: TokenVerificationOptions,
  fetchImpl: () => typeof fetch,
  now: () => number,
): (token: string, signal: AbortSignal) => Promise<void> {
  const jwks = createRemoteJWKSet(new URL(options.jwks), {
    [customFetch]: (url, init) => fetchImpl()(url, init),
  })
  const algorithms = (options.algorithms ?? ASYMMETRIC).filter((alg) => !alg.startsWith('HS') && alg !== 'none')
  const field = options.field ?? 'access_token'
  const name = field.replace('_', ' ').replace('id ', 'ID ')
  return async (token, signal) => {
    signal.throwIfAborted()
    try {
      await jwtVerify(token, jwks, {
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
      throw new InvalidSessionError(`${name} failed verification (${code})`, { field, cause })
    }
  }
}
