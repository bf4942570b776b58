import { AdapterError, createMemoryStorage, StorageError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { setupClient } from '../fixtures/setupClient.js'

// Two details of what an error says: a reason belongs to a refusal only, and a stored session
// that is a record but not a session names the field it failed on, under its own label.

describe('AdapterError', () => {
  it('names a reason in a refusal’s message, and never in a transient failure’s', () => {
    const refused = new AdapterError('refresh', 'rejected', { reason: 'token_reused' })
    expect(refused.message).toBe('refresh failed (rejected, token_reused): unknown error')
    expect(refused.reason).toBe('token_reused')
    const transient = new AdapterError('refresh', 'transient', { reason: 'token_reused' })
    expect(transient.message).toBe('refresh failed (transient): unknown error')
    expect(transient.reason).toBeUndefined()
  })
})

describe('a stored record that is not a session', () => {
  it('is removed with a StorageError naming the stored session’s bad field', async () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const accessToken = `${part({ alg: 'none' })}.${part({ sub: 'u', exp: 2e9 })}.`
    // A record of the store's shape whose expiry no session can have.
    const record = { v: 1, accessToken, expiresAt: -1, user: { id: 'u' }, refreshTokenAt: null }
    const storage = createMemoryStorage({ 'authchart.session': JSON.stringify(record) })
    const { auth, clock } = setupClient({ storage })
    await clock.flush()
    const { error } = auth.getSnapshot()
    expect(error).toBeInstanceOf(StorageError)
    expect(error?.message).toMatch(
      /^the stored session was unreadable and has been removed \(stored session is invalid \(expiresAt: /,
    )
    auth.stop()
  })
})
