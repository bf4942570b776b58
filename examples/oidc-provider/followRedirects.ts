/**
 * Plays the browser between an authorization (or end-session) URL and the client's redirect
 * URI, for Node tests: follows the provider's redirects with a cookie jar, submits the
 * auto-submitting logout form, and stops at the first URL that starts with `until`, which it
 * returns without requesting it (the callback URL with `code` and `state`).
 *
 * @example
 * const callbackUrl = await followRedirects(await adapter.createSignInUrl(), 'http://127.0.0.1/callback')
 * await auth.signIn({ callbackUrl })
 */
export async function followRedirects(start: string | URL, until: string, maxHops = 20): Promise<URL> {
  const jar = new Map<string, string>()
  let url = new URL(start)
  let init: RequestInit = { method: 'GET' }
  for (let hop = 0; hop < maxHops; hop += 1) {
    if (url.href.startsWith(until)) return url
    const headers = new Headers(init.headers)
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const eq = pair.indexOf('=')
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
    const location = response.headers.get('location')
    if (location !== null) {
      url = new URL(location, url)
      init = { method: 'GET' }
      continue
    }
    const html = await response.text()
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html)
    if (response.status !== 200 || form === null) {
      throw new Error(`followRedirects: ${url.pathname} answered ${response.status} with no redirect`)
    }
    // The logout confirmation: post its hidden fields with "yes".
    const body = new URLSearchParams({ logout: 'yes' })
    for (const input of (form[2] ?? '').matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) {
      body.set(input[1] ?? '', input[2] ?? '')
    }
    url = new URL(form[1] ?? '', url)
    init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
  }
  throw new Error(`followRedirects: more than ${maxHops} hops`)
}
