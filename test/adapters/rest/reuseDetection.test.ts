// Two clients hold one refresh token but share neither a store nor a lock (a copied session, or
// two browsers restored from one backup). authchart's lock re-reads a *shared* store and would
// take the rotated token from it, so the copy is what lets the second client present a token the
// first already rotated: the server must revoke the whole family (OAuth 2.0 security BCP), and
// both clients must end in `expired` with a reason that says so. The first client refreshes
// twice before the second presents the copy, so the copy's successor is spent too: that is reuse
// even within the server's reuse interval, which only forgives a retry whose answer was lost.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStorage, SessionExpiredError } from 'authchart'
import { createFakeClock } from 'authchart/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ada, restClient } from '../../fixtures/rest/restClient.js'
import { type RestServerProcess, startRestServerProcess } from '../../fixtures/rest/restServerProcess.js'
import { waitForSnapshot } from '../../fixtures/rest/waitForSnapshot.js'
import { heldSession } from '../../fixtures/heldSession.js'

const dataDir = mkdtempSync(join(tmpdir(), 'authchart-rest-reuse-'))
let api: RestServerProcess

beforeAll(async () => {
  api = await startRestServerProcess(['--data-dir', dataDir])
})

afterAll(async () => {
  await api?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

it('two clients sharing one refresh token cause a family revocation, reported as expired with a clear reason', async () => {
  const clock = createFakeClock(Date.now())
  const storage = createMemoryStorage()
  const first = restClient(api.url, { clock, storage })
  await clock.flush()
  await first.auth.signIn(ada)
  first.auth.stop()

  // Two clients restore the same session from separate copies: same refresh token, no shared
  // store and no lock between them.
  const copy = createMemoryStorage({ 'authchart.session': (await storage.getItem('authchart.session')) ?? '' })
  const tabA = restClient(api.url, { clock, storage })
  const tabB = restClient(api.url, { clock, storage: copy })
  await waitForSnapshot(tabA.auth, (s) => s.status === 'authenticated')
  await waitForSnapshot(tabB.auth, (s) => s.status === 'authenticated')
  expect(heldSession(tabA.auth)?.refreshToken).toBe(heldSession(tabB.auth)?.refreshToken)

  await tabA.auth.refresh({ force: true })
  await tabA.auth.refresh({ force: true })
  const spentByB = tabB.auth.refresh({ force: true })
  await expect(spentByB).rejects.toThrow(/reuse detected/)

  const b = tabB.auth.getSnapshot()
  expect(b.status).toBe('expired')
  expect(b.error).toBeInstanceOf(SessionExpiredError)
  expect((b.error as SessionExpiredError).reason).toBe('token_reused')
  expect(b.error?.message).toMatch(/refresh token reuse detected/)

  // The family is gone: tab A's fresh tokens are revoked too, access and refresh alike.
  const tokenA = await tabA.auth.getToken()
  expect((await fetch(`${api.url}/auth/me`, { headers: { Authorization: `Bearer ${tokenA}` } })).status).toBe(401)
  await expect(tabA.auth.refresh({ force: true })).rejects.toThrow(/revoked after refresh token reuse/)
  const a = tabA.auth.getSnapshot()
  expect(a.status).toBe('expired')
  expect((a.error as SessionExpiredError).reason).toBe('family_revoked')
  expect(a.error?.message).toMatch(/session revoked after refresh token reuse was detected/)
  tabA.auth.stop()
  tabB.auth.stop()
})
