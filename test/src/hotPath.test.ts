import { flushMicrotasks } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { heldSession } from '../fixtures/heldSession.js'
import { MINUTE, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, settle } from '../fixtures/settle.js'

// getToken()'s hot path (src/decideToken.ts): what a chart snapshot may serve (the held token, and
// the time it falls due) is worked out once per snapshot; a call compares the clock to it.
const MARGIN = MINUTE

describe('the hot path', () => {
  it('serves a held, fresh token on the first microtask turn, as Promise.resolve would', async () => {
    const { auth } = await signedIn({ client: { refreshMargin: MARGIN } })
    const held = heldSession(auth)?.accessToken
    for (let call = 0; call < 3; call++) {
      let served: string | undefined
      void auth.getToken().then((token) => {
        served = token
      })
      await Promise.resolve()
      // Anything but the hot path (a decision loop, a wait) answers turns later.
      expect(served, `call ${call}`).toBe(held)
    }
  })

  it('serves a token up to the instant before it falls due, and not at that instant', async () => {
    const { auth, adapter, clock } = await signedIn({ client: { refreshMargin: MARGIN } })
    const held = heldSession(auth)!
    const dueAt = held.expiresAt - MARGIN
    clock.jump(dueAt - 1 - clock.now())
    const before = settle(auth.getToken())
    await flushMicrotasks()
    expect(fulfilled(before)).toBe(held.accessToken)
    expect(adapter.calls.refresh).toBe(0)
    clock.jump(1)
    const at = settle(auth.getToken())
    await clock.flush()
    expect(adapter.calls.refresh).toBe(1)
    expect(fulfilled(at)).not.toBe(held.accessToken)
    expect(fulfilled(at)).toBe(heldSession(auth)?.accessToken)
  })

  it('follows the chart to a new snapshot: after a refresh, the new token; after a sign-out, none', async () => {
    const { auth, clock } = await signedIn({ client: { refreshMargin: MARGIN } })
    const first = await auth.getToken()
    await auth.refresh({ force: true })
    const second = settle(auth.getToken())
    await flushMicrotasks()
    expect(fulfilled(second)).not.toBe(first)
    expect(fulfilled(second)).toBe(heldSession(auth)?.accessToken)
    await auth.signOut()
    await clock.flush()
    await expect(auth.getToken()).rejects.toMatchObject({ code: 'not_authenticated' })
  })
})
