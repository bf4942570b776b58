// oidc-client-ts against the demo's provider, for the side-by-side figures: a UserManager per
// tab with automaticSilentRenew (refresh tokens) and a localStorage user store, so tabs share
// the session as an app would set it up.
import { UserManager, WebStorageStateStore } from 'oidc-client-ts'

const element = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement
const config = (await (await fetch('/demo/oidc-config')).json()) as { issuer: string; clientId: string }
const here = `${location.origin}/oidc-client-ts`

const manager = new UserManager({
  authority: config.issuer,
  client_id: config.clientId,
  redirect_uri: here,
  post_logout_redirect_uri: here,
  scope: 'openid profile email offline_access',
  automaticSilentRenew: true,
  userStore: new WebStorageStateStore({ store: window.localStorage }),
  // The demo's short tokens: renew 5 s before expiry rather than the default 60 s.
  accessTokenExpiringNotificationTimeInSeconds: 5,
})
;(window as unknown as { oidcClientTs: unknown }).oidcClientTs = { manager }

const render = async () => {
  const user = await manager.getUser()
  element('status').textContent = user && !user.expired ? 'authenticated' : 'unauthenticated'
}
manager.events.addUserLoaded(() => void render())
manager.events.addUserUnloaded(() => void render())
manager.events.addSilentRenewError((error) => {
  element('error').textContent = error.message
  void render()
})
document.getElementById('sign-in')?.addEventListener('click', () => void manager.signinRedirect())

const url = new URL(location.href)
if (url.searchParams.has('code') && url.searchParams.has('state')) {
  await manager.signinRedirectCallback()
  history.replaceState(null, '', '/oidc-client-ts')
}
await render()
