import { NotAuthenticatedError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { credentials, setupClient } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

// A sign-in that a newer call replaces (cancelSignIn in machines/authSetup.ts) is rejected, saying
// why, and the newer one decides the session.

describe('a sign-in replaced by a newer one', () => {
  it('rejects with NotAuthenticatedError saying it was cancelled, and the newer sign-in holds', async () => {
    const { auth, clock } = setupClient({ adapter: { latency: { signIn: 100 } } })
    await clock.flush()
    const first = settle(auth.signIn(credentials))
    await clock.advance(50)
    const second = settle(auth.signIn({ email: 'grace@example.com', password: 'pw' }))
    await clock.advance(50)
    const error = rejected(first)
    expect(error).toBeInstanceOf(NotAuthenticatedError)
    expect((error as Error).message).toBe('sign-in was cancelled by a newer call')
    expect(second.status).toBe('pending')
    await clock.advance(50)
    expect(fulfilled(second).user.id).toBe('user-grace@example.com')
    expect(auth.getSnapshot().user?.id).toBe('user-grace@example.com')
    expect(auth.getSnapshot().status).toBe('authenticated')
  })
})
