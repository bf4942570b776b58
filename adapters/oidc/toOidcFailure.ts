import { parseRetryAfter } from 'authchart'
import * as oauth from 'oauth4webapi'
import { OidcError } from './OidcError.js'
import { OidcHttpError } from './OidcHttpError.js'

const NOT_JSON = new Set([oauth.PARSE_ERROR, oauth.RESPONSE_IS_NOT_JSON])
const ID_TOKEN_CHECKS = new Set([
  oauth.JWT_CLAIM_COMPARISON,
  oauth.JWT_TIMESTAMP_CHECK,
  oauth.JSON_ATTRIBUTE_COMPARISON,
])

function challengeError(error: oauth.WWWAuthenticateChallengeError): string | undefined {
  const value = error.cause.find((challenge) => challenge.parameters.error !== undefined)?.parameters.error
  return typeof value === 'string' ? value : undefined
}

/**
 * Turns what oauth4webapi threw into the adapter's errors: an HTTP answer becomes an
 * {@link OidcHttpError} (which `classify` reads), a body that is not the protocol's JSON or an
 * ID token that fails a check becomes an {@link OidcError}. oauth4webapi's own error is not kept
 * as `cause` where it may hold a token or a code (a token response, a callback's parameters).
 * Network failures and aborts pass through unchanged.
 *
 * @example
 * try { await oauth.processRefreshTokenResponse(as, client, response) }
 * catch (error) { throw toOidcFailure('refresh', error, Date.now()) }
 */
export function toOidcFailure(endpoint: string, error: unknown, now: number): unknown {
  if (error instanceof oauth.ResponseBodyError) {
    return new OidcHttpError(endpoint, error.status, {
      code: error.error,
      description: error.error_description,
      retryAfterMs: parseRetryAfter(error.response.headers, now),
    })
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new OidcHttpError(endpoint, error.status, {
      code: challengeError(error),
      retryAfterMs: parseRetryAfter(error.response.headers, now),
    })
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    const detail = error.error_description === undefined ? '' : `: ${error.error_description}`
    return new OidcError('callback_error', `the provider refused the sign-in (${error.error}${detail})`, {
      providerError: error.error,
    })
  }
  if (!(error instanceof oauth.OperationProcessingError)) return error
  if (error.code === oauth.RESPONSE_IS_NOT_CONFORM && error.cause instanceof Response && !error.cause.ok) {
    return new OidcHttpError(endpoint, error.cause.status, {
      retryAfterMs: parseRetryAfter(error.cause.headers, now),
    })
  }
  if (error.code !== undefined && NOT_JSON.has(error.code)) {
    return new OidcError('response_invalid', `the provider's ${endpoint} endpoint did not answer with JSON`)
  }
  // A callback that fails oauth4webapi's checks (another `iss`, a malformed response) is the
  // callback's fault: sending it again cannot help.
  if (endpoint === 'callback') {
    return new OidcError('callback_invalid', `the callback is not valid for this sign-in: ${error.message}`)
  }
  // oauth4webapi reports a missing or malformed ID token claim (`nonce`, `alg`, ...) as an
  // invalid response ("JWT "nonce" (nonce) claim missing"): the only JWT it validates is the ID
  // token. Its messages name the claim, never its value.
  if (
    error.code !== undefined &&
    (ID_TOKEN_CHECKS.has(error.code) || /\bJWT\b|ID Token|id_token/i.test(error.message))
  ) {
    // oauth4webapi's messages name the claim that failed, never its value.
    return new OidcError('id_token_invalid', `the ID token failed validation: ${error.message}`)
  }
  if (error.code === oauth.MISSING_SERVER_METADATA || error.code === oauth.INVALID_SERVER_METADATA) {
    return new OidcError('discovery_invalid', `the discovery document is unusable: ${error.message}`)
  }
  return new OidcError('response_invalid', `the provider's ${endpoint} response was not usable: ${error.message}`)
}
