import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { OIDC_ACCOUNTS } from './createOidcConfiguration.js'

/**
 * The provider's interaction page without a human: a login prompt signs in the account named by
 * `login_hint` (default `ada`), a consent prompt grants every scope and claim the client asked
 * for, through oidc-provider's Grant API, as a real consent page would after "Allow".
 *
 * @example
 * if (path.startsWith('/interaction/')) await completeInteraction(provider, req, res)
 */
export async function completeInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res)
  const { prompt, params, session, grantId } = details
  if (prompt.name === 'login') {
    const hint = typeof params.login_hint === 'string' ? params.login_hint : 'ada'
    const accountId = hint in OIDC_ACCOUNTS ? hint : 'ada'
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false })
    return
  }
  const accountId = session?.accountId
  if (accountId === undefined) throw new Error('consent prompt without a signed-in account')
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId, clientId: String(params.client_id) })
  if (grant === undefined) throw new Error('the interaction names a grant the provider no longer has')
  const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
  const savedGrantId = await grant.save()
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: savedGrantId } },
    { mergeWithLastSubmission: true },
  )
}
