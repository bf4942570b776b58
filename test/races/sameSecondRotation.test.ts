// Found by the fast-check race suite (FC_SEED=7 FC_RUNS=5000): two sessions issued in the same
// second tie on `exp` and `iat`. Fixed in the refresh lock (src/createAuthEffects.ts): a tie goes
// to the shared store. Kept as the regression test for it.
import { createAuthWorld } from 'authchart/testing'
import { expect, it } from 'vitest'

const credentials = { email: 'ada@example.com', password: 'pw' }

it('a refresh in the same second as the sign-in: the other tab still never spends the rotated token', async () => {
  const world = createAuthWorld()
  try {
    await world.start()
    await world.tabs.A.client.signIn(credentials)
    await world.start()
    // The forced refresh lands in the same second: same `iat` and `exp`, new tokens.
    let done = false
    const refreshed = world.tabs.A.client.refresh({ force: true }).finally(() => {
      done = true
    })
    for (let i = 0; i < 10 && !done; i++) {
      await world.clock.flush()
      world.gate.release('refresh')
    }
    await refreshed
    await world.start()
    // isNewerSession() cannot order the two sessions, so tab B may keep the spent one in memory...
    const session = world.tabs.A.client.getSnapshot().session
    if (session === null) throw new Error('tab A lost its session')
    await world.clock.advance(session.expiresAt - world.windowOf(session) + 1_000 - world.clock.now())
    for (let i = 0; i < 60; i++) {
      world.gate.release('refresh')
      await world.clock.advance(1_000)
    }
    // ...but under the refresh lock it takes the stored session's token, so nothing is revoked.
    expect(world.violations).toEqual([])
    expect(world.tabs.B.client.getSnapshot().status).toBe('authenticated')
  } finally {
    world.stop()
  }
})
