// The demo's OIDC page: authchart/oidc against the provider the demo server started. The page
// reads the issuer from the demo server, so nothing needs configuring.
import { createAuthClient } from 'authchart'
import { createOidcAdapter } from 'authchart/oidc'
import { bindBrowserEvents } from 'authchart/vanilla'

const element = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement
const config = (await (await fetch('/demo/oidc-config')).json()) as {
  issuer: string
  clientId: string
  refreshMargin: number | null
}
const here = `${location.origin}/oidc`

const adapter = createOidcAdapter({
  issuer: config.issuer,
  clientId: config.clientId,
  redirectUri: here,
  postLogoutRedirectUri: here,
  // The demo's provider is on 127.0.0.1 over plain HTTP; never set this for a real provider.
  allowInsecureRequests: true,
  userInfo: true,
})
const auth = createAuthClient({
  adapter,
  storageKey: 'authchart.oidc-demo',
  ...(config.refreshMargin === null ? {} : { refreshMargin: config.refreshMargin }),
}).start()
bindBrowserEvents(auth)
;(window as unknown as { demo: unknown }).demo = { auth, adapter }

const render = () => {
  const { status, user, session, error } = auth.getSnapshot()
  element('status').textContent = status
  element('user').textContent = user ? `${String(user.name ?? user.id)} <${user.email ?? '?'}>` : '—'
  element('issuer').textContent = String(session?.claims.iss ?? '—')
  element('expires').textContent = session
    ? `${Math.max(0, Math.round((session.expiresAt - Date.now()) / 1000))} s`
    : '—'
  element('error').textContent = error ? `${error.code}: ${error.message}` : '—'
}
auth.subscribe(render)
setInterval(render, 1000)
render()

document.getElementById('sign-in')?.addEventListener('click', () => {
  auth.signIn({}).catch(render)
})
document.getElementById('refresh')?.addEventListener('click', () => {
  auth.refresh({ force: true }).catch(render)
})
document.getElementById('sign-out')?.addEventListener('click', () => {
  auth.signOut().catch(render)
})

if (adapter.isCallback(location.href)) {
  const callbackUrl = location.href
  // The code is single-use: take it out of the address bar and history before anything else.
  history.replaceState(null, '', '/oidc')
  await auth.signIn({ callbackUrl }).catch(render)
}
