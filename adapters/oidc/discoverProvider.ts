import * as oauth from 'oauth4webapi'
import { OidcError } from './OidcError.js'
import { toOidcFailure } from './toOidcFailure.js'

/** The endpoints the adapter cannot work without. */
const REQUIRED = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const

/** The provider's metadata with the endpoints the adapter needs known to be there. */
export type DiscoveredProvider = oauth.AuthorizationServer & Record<(typeof REQUIRED)[number], string>

/**
 * Fetches and checks the provider's discovery document
 * (`/.well-known/openid-configuration`) with oauth4webapi: the `issuer` must be the one
 * configured, and the authorization, token and JWKS endpoints must be there. A document that is
 * not JSON or lacks them is an {@link OidcError} (`response_invalid`, `discovery_invalid`); a
 * network failure or 5xx stays as it is, for the chart to retry.
 *
 * @example
 * const as = await discoverProvider(new URL('https://id.example.com'), { [oauth.customFetch]: fetch }, Date.now())
 */
export async function discoverProvider(
  issuer: URL,
  options: oauth.DiscoveryRequestOptions,
  now: number,
): Promise<DiscoveredProvider> {
  let as: oauth.AuthorizationServer
  try {
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options))
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      throw new OidcError('discovery_invalid', `the discovery document is for another issuer than ${issuer.href}`)
    }
    throw toOidcFailure('discovery', error, now)
  }
  const missing = REQUIRED.filter((name) => typeof as[name] !== 'string')
  if (missing.length > 0) {
    throw new OidcError('discovery_invalid', `the discovery document of ${issuer.href} has no ${missing.join(', ')}`)
  }
  return as as DiscoveredProvider
}
