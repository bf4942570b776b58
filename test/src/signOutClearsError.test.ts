import { describe, expect, it } from 'vitest'
import { signedIn } from '../fixtures/setupClient.js'
import { rejected, settle } from '../fixtures/settle.js'

// A sign-out starts the signed-out session afresh: the error of the session it ends (here a
// refresh that failed transiently) is not carried into `unauthenticated`.
describe('sign-out and the error of the session it ends', () => {
  it('clears snapshot.error', async () => {
    const { auth, adapter, clock } = await signedIn()
    adapter.enqueue('refresh', 'transient')
    const refresh = settle(auth.refresh({ force: true }))
    await clock.flush()
    expect(rejected(refresh)).toMatchObject({ kind: 'transient' })
    expect(auth.getSnapshot()).toMatchObject({ status: 'authenticated', error: { kind: 'transient' } })
    const signOut = settle(auth.signOut())
    await clock.flush()
    expect(signOut.status).toBe('fulfilled')
    expect(auth.getSnapshot()).toMatchObject({ status: 'unauthenticated', error: null })
  })
})
