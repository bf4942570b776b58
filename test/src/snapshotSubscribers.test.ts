import { describe, expect, it } from 'vitest'
import { signedIn } from '../fixtures/setupClient.js'
import { fulfilled, settle } from '../fixtures/settle.js'

// auth.subscribe (subscribeToView in src/createSnapshotView.ts): a listener hears each new public
// snapshot, never the chart's internal steps, and nothing once it has unsubscribed.

describe('auth.subscribe', () => {
  it('does not call the listener for the chart’s internal expiry checks', async () => {
    const { auth, clock } = await signedIn()
    const heard: string[] = []
    const unsubscribe = auth.subscribe((snapshot) => heard.push(snapshot.status))
    await clock.advance(20_000) // four 5 s expiry checks, each re-entering `authenticated`
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(heard).toEqual([])
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    expect(heard).toEqual(['signingOut', 'unauthenticated'])
    unsubscribe()
  })

  it('calls no listener after it unsubscribed', async () => {
    const { auth, clock } = await signedIn()
    const heard: string[] = []
    const kept: string[] = []
    const unsubscribe = auth.subscribe((snapshot) => heard.push(snapshot.status))
    const keep = auth.subscribe((snapshot) => kept.push(snapshot.status))
    unsubscribe()
    const signOut = settle(auth.signOut())
    await clock.flush()
    fulfilled(signOut)
    expect(kept).toEqual(['signingOut', 'unauthenticated'])
    expect(heard).toEqual([])
    keep()
  })
})
