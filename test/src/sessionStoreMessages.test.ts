// What the client says when its session store fails or holds something else: the StorageError's
// message and cause, exactly. A mutation run found these unpinned (docs/mutation.md).
import { createMemoryStorage, InvalidSessionError, type SessionStorage, StorageError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { credentials, setupClient } from '../fixtures/setupClient.js'

const KEY = 'authchart.session'

async function restoredFrom(storage: SessionStorage) {
  const env = setupClient({ storage })
  await env.clock.flush()
  return { ...env, error: env.auth.getSnapshot().error as StorageError }
}

describe('a stored value that is not a session', () => {
  it('that is not JSON is removed, and the error says so', async () => {
    const storage = createMemoryStorage({ [KEY]: '{not json' })
    const { error, auth } = await restoredFrom(storage)
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(error).toBeInstanceOf(StorageError)
    expect(error.message).toBe('the stored session was unreadable and has been removed (stored session is not JSON)')
    expect(error.cause).toBeInstanceOf(InvalidSessionError)
    expect(storage.getItem(KEY)).toBeNull()
  })

  it('that is JSON but no session record is removed, and the error says so', async () => {
    const storage = createMemoryStorage({ [KEY]: JSON.stringify({ v: 1, accessToken: 5 }) })
    const { error } = await restoredFrom(storage)
    expect(error.message).toBe(
      'the stored session was unreadable and has been removed (stored session is not a session record)',
    )
    expect((error.cause as InvalidSessionError).cause).toBeDefined()
    expect(storage.getItem(KEY)).toBeNull()
  })

  it('whose token does not parse names the stored session', async () => {
    const record = { v: 1, accessToken: 'x', expiresAt: 1, user: { id: 'u1' }, refreshTokenAt: null }
    const { error } = await restoredFrom(createMemoryStorage({ [KEY]: JSON.stringify(record) }))
    expect(error.message).toBe(
      'the stored session was unreadable and has been removed (access token is not a well-formed JWT)',
    )
  })

  it('that cannot be removed either reports the removal failure as the cause', async () => {
    const removal = new Error('read-only')
    const storage: SessionStorage = {
      getItem: () => '{not json',
      setItem: () => undefined,
      removeItem: () => {
        throw removal
      },
    }
    const { error } = await restoredFrom(storage)
    expect(error.message).toBe('the stored session was unreadable and has been removed (stored session is not JSON)')
    expect(error.cause).toBeInstanceOf(StorageError)
    expect((error.cause as StorageError).message).toBe('session storage remove failed')
    expect((error.cause as StorageError).cause).toBe(removal)
  })
})

describe('a store that fails', () => {
  it('a read names the read, with the cause', async () => {
    const cause = new Error('IndexedDB is gone')
    const { error } = await restoredFrom({
      getItem: () => Promise.reject(cause),
      setItem: () => undefined,
      removeItem: () => undefined,
    })
    expect(error.message).toBe('session storage read failed')
    expect(error.cause).toBe(cause)
  })

  it('an empty store is no error', async () => {
    const { auth } = await restoredFrom(createMemoryStorage())
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(auth.getSnapshot().error).toBeNull()
  })

  it('a write and a removal name what failed', async () => {
    const cause = new Error('QuotaExceededError')
    const storage: SessionStorage = {
      getItem: () => null,
      setItem: () => {
        throw cause
      },
      removeItem: () => {
        throw cause
      },
    }
    const { auth } = await restoredFrom(storage)
    const errors: StorageError[] = []
    auth.on('error', ({ error }) => errors.push(error as StorageError))
    await auth.signIn(credentials)
    await auth.signOut()
    expect(errors.map((e) => e.message)).toEqual(['session storage write failed', 'session storage remove failed'])
    expect(errors.every((e) => e.cause === cause)).toBe(true)
  })
})
