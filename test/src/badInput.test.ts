import {
  createAuthClient,
  createMemoryStorage,
  InvalidOptionsError,
  InvalidSessionError,
  StorageError,
} from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, setupClient, signedIn } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'

describe('bad input (I7)', () => {
  it('removes a corrupt stored session, reports a StorageError and starts unauthenticated', async () => {
    for (const corrupt of [
      '{not json',
      '{"v":1,"accessToken":42}',
      '{"v":1,"accessToken":"x.y.z","expiresAt":1,"user":{"id":"u"},"refreshTokenAt":null}',
    ]) {
      const storage = createMemoryStorage({ 'authchart.session': corrupt, 'other.key': 'kept' })
      const { auth, clock } = setupClient({ storage })
      const errors: unknown[] = []
      auth.on('error', ({ error }) => errors.push(error))
      await clock.flush()
      expect(auth.getSnapshot().status).toBe('unauthenticated')
      expect(auth.getSnapshot().error).toBeInstanceOf(StorageError)
      expect(errors).toHaveLength(1) // reported, not only recorded
      expect(storage.getItem('authchart.session')).toBeNull()
      expect(storage.getItem('other.key')).toBe('kept') // nothing else is lost
      await auth.signIn(credentials) // and the client still works
      expect(auth.getSnapshot().status).toBe('authenticated')
    }
  })

  it('never quotes stored content in the error message', async () => {
    const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
    const storage = createMemoryStorage({ 'authchart.session': `${secret} garbage` })
    const { auth, clock } = setupClient({ storage })
    await clock.flush()
    expect(auth.getSnapshot().error?.message).not.toContain('eyJ')
  })

  it('a malformed JWT from the adapter is an InvalidSessionError naming the field', async () => {
    const { auth, clock, adapter } = setupClient()
    await clock.flush()
    adapter.enqueue('signIn', { response: { accessToken: 'not-a-jwt', refreshToken: 'r' } })
    const error = await auth.signIn(credentials).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as InvalidSessionError).field).toBe('accessToken')
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().session).toBeNull()
  })

  it('an adapter response without an access token is an InvalidSessionError; a refresh keeps the session and retries', async () => {
    const { auth, clock, adapter } = await signedIn()
    const held = heldSession(auth)?.accessToken
    adapter.enqueue('refresh', { response: { refreshToken: 'r2' } })
    await clock.advance(HOUR - 60_000)
    const error = auth.getSnapshot().error
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as InvalidSessionError).field).toBe('accessToken')
    expect(auth.getSnapshot().status).toBe('refreshing')
    expect(heldSession(auth)?.accessToken).toBe(held)
    await clock.advance(1_000)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(heldSession(auth)?.accessToken).not.toBe(held)
  })

  it('a JWT without exp and no expiresAt is rejected with the field named', async () => {
    const { auth, clock, adapter } = setupClient()
    await clock.flush()
    const noExp = `${btoa('{"alg":"none"}')}.${btoa('{"sub":"u1"}')}.`
    adapter.enqueue('signIn', { response: { accessToken: noExp } })
    const error = await auth.signIn(credentials).catch((e: unknown) => e)
    expect((error as InvalidSessionError).field).toBe('expiresAt')
  })

  it('rejects bad client options with an InvalidOptionsError that names the option', () => {
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    expect(() => createAuthClient({ adapter, refreshMargin: -5 })).toThrow(InvalidOptionsError)
    expect(() => createAuthClient({ adapter, refreshMargin: -5 })).toThrow(/refreshMargin/)
    expect(() => createAuthClient({ adapter: { name: 'x' } as never })).toThrow(/adapter\.signIn/)
  })

  it('rejects bad refresh options', async () => {
    const { auth } = await signedIn()
    await expect(auth.refresh({ timeoutMs: -1 })).rejects.toThrow(/timeoutMs/)
    await expect(auth.refresh({ until: 'yes' as never })).rejects.toBeInstanceOf(InvalidOptionsError)
  })
})
