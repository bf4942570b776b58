// Cookie mode: the refresh token lives only in an HttpOnly cookie. The client never sees it, never
// stores it, and still refreshes, survives a server restart, restores a new tab and signs out.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStorage } from 'authchart'
import { createFakeClock } from 'authchart/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createCookieJarFetch } from '../../fixtures/rest/cookieJarFetch.js'
import { ada, restClient, runDueRefresh } from '../../fixtures/rest/restClient.js'
import { type RestServerProcess, startRestServerProcess } from '../../fixtures/rest/restServerProcess.js'
import { waitForSnapshot } from '../../fixtures/rest/waitForSnapshot.js'
import { heldSession } from '../../fixtures/heldSession.js'

const dataDir = mkdtempSync(join(tmpdir(), 'authchart-rest-cookie-'))
let api: RestServerProcess

beforeAll(async () => {
  api = await startRestServerProcess(['--data-dir', dataDir])
})

afterAll(async () => {
  await api?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

it('works end to end with the refresh token only in an HttpOnly cookie', async () => {
  const browser = createCookieJarFetch()
  const clock = createFakeClock(Date.now())
  const storage = createMemoryStorage()
  const env = restClient(api.url, { clock, storage, adapter: { mode: 'cookie', fetch: browser.fetch } })
  expect(env.adapter.refreshesWithoutToken).toBe(true)
  await clock.flush()
  await env.auth.signIn(ada)

  const cookie = browser.jar.get('authchart_refresh')
  expect(cookie?.httpOnly).toBe(true)
  expect(cookie?.path).toBe('/auth')
  const secret = cookie?.value ?? 'missing'
  const visible = () => [
    ...browser.seenByScript,
    JSON.stringify(env.auth.getSnapshot()),
    storage.getItem('authchart.session'),
  ]
  expect(heldSession(env.auth)?.refreshToken).toBeUndefined()
  expect(visible().join('\n')).not.toContain(secret)

  await api.restart()
  const refreshed = await runDueRefresh(env)
  expect(refreshed.status).toBe('authenticated')
  const rotated = browser.jar.get('authchart_refresh')?.value
  expect(rotated).toBeDefined()
  expect(rotated).not.toBe(secret)
  expect(visible().join('\n')).not.toContain(rotated)

  // A new tab with an empty store finds the session through the cookie.
  const tab = restClient(api.url, { clock, adapter: { mode: 'cookie', fetch: browser.fetch } })
  const restored = await waitForSnapshot(tab.auth, (s) => s.status !== 'restoring' && s.status !== 'validating')
  expect(restored.status).toBe('authenticated')
  expect(restored.user?.email).toBe(ada.email)
  tab.auth.stop()

  await env.auth.signOut()
  await waitForSnapshot(env.auth, (s) => s.status === 'unauthenticated' && s.error === null)
  expect(browser.jar.has('authchart_refresh')).toBe(false)
  // The family is revoked on the server, so the old cookie is worthless even if it was copied.
  const replay = await fetch(`${api.url}/auth/refresh`, {
    method: 'POST',
    headers: {
      Cookie: `authchart_refresh=${rotated}`,
      'X-Refresh-Token-Delivery': 'cookie',
      'Content-Type': 'application/json',
    },
  })
  expect(replay.status).toBe(401)
  env.auth.stop()
})

it('refuses a cookie refresh without the delivery header, so a cross-site form cannot use the cookie', async () => {
  const browser = createCookieJarFetch()
  const env = restClient(api.url, { adapter: { mode: 'cookie', fetch: browser.fetch } })
  await env.clock.flush()
  await env.auth.signIn(ada)
  const cookie = browser.jar.get('authchart_refresh')?.value
  const forged = await fetch(`${api.url}/auth/refresh`, {
    method: 'POST',
    headers: { Cookie: `authchart_refresh=${cookie}`, 'Content-Type': 'application/json' },
  })
  expect(forged.status).toBe(401)
  env.auth.stop()
})
