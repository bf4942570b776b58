// @vitest-environment jsdom
import type { AuthSnapshot } from 'authchart'
import { watch } from 'authchart/vanilla'
import { describe, expect, it } from 'vitest'
import { makeClient } from '../../fixtures/reloadWithStoredSession.js'
import { credentials } from '../../fixtures/setupClient.js'
import { heldSession } from '../../fixtures/heldSession.js'

async function signedInClient() {
  const env = makeClient({})
  env.auth.start()
  await env.clock.flush()
  await env.auth.signIn(credentials)
  return env
}

describe('watch', () => {
  it('calls the listener only when the selected value changes, with the previous value', async () => {
    const env = makeClient({})
    const seen: Array<[string, string]> = []
    const unwatch = watch(
      env.auth,
      (s) => s.status,
      (status, previous) => seen.push([previous, status]),
    )
    env.auth.start()
    await env.clock.flush()
    await env.auth.signIn(credentials)
    expect(seen).toEqual([
      ['restoring', 'unauthenticated'],
      ['unauthenticated', 'signingIn'],
      ['signingIn', 'authenticated'],
    ])
    await env.clock.advance(30_000) // the chart's 5 s checks change nothing selected
    expect(seen).toHaveLength(3)
    unwatch()
    await env.auth.signOut()
    expect(seen).toHaveLength(3)
  })

  it('is not called when only an unselected field changes (a token refresh, for the user)', async () => {
    const { auth } = await signedInClient()
    const users: unknown[] = []
    const tokenIds: unknown[] = []
    watch(
      auth,
      (s) => s.user?.email,
      (email) => users.push(email),
    )
    watch(
      auth,
      // The snapshot carries no token; the token's id in its claims changes with it.
      (s) => s.session?.claims.jti,
      (jti) => tokenIds.push(jti),
    )
    await auth.refresh({ force: true })
    expect(tokenIds).toEqual([heldSession(auth)?.claims.jti])
    expect(tokenIds[0]).toEqual(expect.any(String))
    expect(users).toEqual([])
  })

  it('uses compare for selections that are new objects each time', async () => {
    const { auth } = await signedInClient()
    const seen: unknown[] = []
    const who = (s: AuthSnapshot) => ({ signedIn: s.session !== null, email: s.user?.email ?? null })
    watch(
      auth,
      who,
      (value) => seen.push(value),
      (a, b) => a.signedIn === b.signedIn && a.email === b.email,
    )
    await auth.refresh({ force: true })
    expect(seen).toEqual([])
    await auth.signOut()
    expect(seen).toEqual([{ signedIn: false, email: null }])
  })
})
