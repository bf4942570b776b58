import { createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock, createFakeTabs } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, settle } from '../fixtures/settle.js'

// The public snapshot (src/createSnapshotView.ts): a new object exactly when something a user can
// see changes, and the same session and user objects while the chart holds the same ones.

describe('the public snapshot', () => {
  it('keeps the session object while only the status changes, and shares the session’s user', async () => {
    const { auth, clock } = await signedIn({ adapter: { latency: { refresh: 100 } } })
    const before = auth.getSnapshot()
    expect(before.user).toBe(before.session?.user)
    const refreshed = settle(auth.refresh({ force: true }))
    await clock.flush()
    const during = auth.getSnapshot()
    expect(during.status).toBe('refreshing')
    expect(during).not.toBe(before)
    expect(during.session).toBe(before.session)
    await clock.advance(100)
    fulfilled(refreshed)
    const after = auth.getSnapshot()
    expect(after.session).not.toBe(before.session)
    expect(after.session?.claims.jti).not.toBe(before.session?.claims.jti)
    expect(after.claims).toBe(after.session?.claims)
  })

  it('a session another tab made is seen at once, with the status unchanged', async () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const profile = createFakeTabs()
    const open = () => createAuthClient({ adapter, clock, storage: profile.storage, tabs: profile }).start()
    const a = open()
    const b = open()
    await clock.flush()
    const signIn = settle(a.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const seen = b.getSnapshot()
    expect(seen.status).toBe('authenticated')
    clock.jump(10_000) // a later token: issued in another second
    const refreshed = settle(a.refresh({ force: true }))
    await clock.flush()
    const jti = fulfilled(refreshed).claims.jti
    await clock.advance(10) // the other tab's message
    const now = b.getSnapshot()
    expect(now.status).toBe('authenticated')
    expect(now).not.toBe(seen)
    expect(now.claims?.jti).toBe(jti)
    expect(now.session?.claims.jti).toBe(jti)
  })

  it('a user the backend updated on validation replaces the session’s user in the snapshot', async () => {
    const clock = createFakeClock()
    const fake = createFakeAdapter({ clock })
    const storage = createMemoryStorage()
    const first = createAuthClient({ adapter: fake, clock, storage }).start()
    await clock.flush()
    const signIn = settle(first.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    first.stop()
    const adapter = {
      ...fake,
      validate: async () => ({ user: { id: 'user-ada@example.com', email: 'new@example.com' } }),
    }
    const reloaded = createAuthClient({ adapter, clock, storage }).start()
    await clock.flush()
    const snapshot = reloaded.getSnapshot()
    expect(snapshot.status).toBe('authenticated')
    expect(snapshot.user?.email).toBe('new@example.com')
    expect(Object.isFrozen(snapshot.user)).toBe(true)
  })
})
