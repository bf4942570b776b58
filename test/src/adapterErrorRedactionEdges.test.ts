import { AdapterError, toAdapterError } from 'authchart'
import { describe, expect, it } from 'vitest'

// The edges of removing a session's tokens from an adapter's error (src/redactSecrets.ts, through
// toAdapterError in src/classifyError.ts): the 8-character floor, the stack, frozen errors with
// and without a token in them, and an error that is not walked at all when there is nothing to
// look for.

const SECRET = 'rt-secret-0001'

describe('redacting tokens from adapter errors', () => {
  it('redacts a token of exactly 8 characters, and ignores a shorter one', () => {
    const error = toAdapterError('refresh', new Error('sent 12345678 and abcdefg'), undefined, ['12345678', 'abcdefg'])
    expect(error.message).toBe('refresh failed (transient): sent [redacted token] and abcdefg')
    expect((error.cause as Error).message).toBe('sent [redacted token] and abcdefg')
  })

  it('redacts the token from the stack of the error and of its cause', () => {
    const cause = new Error(`refresh with ${SECRET} failed`)
    expect(cause.stack).toContain(SECRET)
    const error = toAdapterError('refresh', cause, undefined, [SECRET])
    expect(error.cause).toBe(cause)
    expect(cause.stack).not.toContain(SECRET)
    expect(cause.stack).toContain('[redacted token]')
    expect(error.stack).not.toContain(SECRET)
  })

  it('keeps a frozen error that holds no token: nothing in it needs rewriting', () => {
    const frozen = Object.freeze(Object.assign(new Error('the server said no'), { status: 503, body: 'busy' }))
    const error = toAdapterError('refresh', frozen, undefined, [SECRET])
    expect(error).toBeInstanceOf(AdapterError)
    expect(error.cause).toBe(frozen)
    expect(error.message).toBe('refresh failed (transient): the server said no')
  })

  it('does not walk the error when no token is long enough to look for (a deeply nested body passes)', () => {
    let data: object = { end: true }
    for (let depth = 0; depth < 100_000; depth += 1) data = { inner: data }
    const deep = Object.assign(new Error('a deep answer'), { status: 503, data })
    const withoutSecrets = toAdapterError('refresh', deep)
    expect(withoutSecrets.cause).toBe(deep)
    const withShortSecrets = toAdapterError('refresh', deep, undefined, ['', 'short'])
    expect(withShortSecrets.cause).toBe(deep)
    expect(withShortSecrets.message).toBe('refresh failed (transient): a deep answer')
  })

  it('redacts a token at the bottom of an error nested deeper than the call stack', () => {
    let data: Record<string, unknown> = { echoed: `refresh_token=${SECRET}` }
    const bottom = data
    for (let depth = 0; depth < 100_000; depth += 1) data = { inner: data }
    const deep = Object.assign(new Error('a deep answer'), { status: 503, data })
    const error = toAdapterError('refresh', deep, undefined, [SECRET])
    expect(error.cause).toBe(deep)
    expect(bottom.echoed).toBe('refresh_token=[redacted token]')
  })

  it('drops a frozen transient error that holds a token, keeping its kind and its Retry-After', () => {
    const frozen = Object.freeze(
      Object.assign(new Error(`refresh with ${SECRET} failed`), { status: 503, retryAfterMs: 5_000 }),
    )
    const error = toAdapterError('refresh', frozen, undefined, [SECRET])
    expect(error).toBeInstanceOf(AdapterError)
    const adapterError = error as AdapterError
    expect(adapterError.kind).toBe('transient')
    expect(adapterError.code).toBe('refresh_transient')
    expect(adapterError.message).toBe(
      "refresh failed (transient): the adapter's error held a token and could not be redacted",
    )
    expect(adapterError.retryAfterMs).toBe(5_000)
    expect(adapterError.reason).toBeUndefined()
    expect(adapterError.cause).toBeUndefined()
  })

  it('drops a frozen rejection that holds a token, keeping its kind and its reason', () => {
    const frozen = Object.freeze(Object.assign(new Error(`token ${SECRET} was used twice`), { status: 401 }))
    const error = toAdapterError('refresh', frozen, () => ({ kind: 'rejected', reason: 'token_reused' }), [SECRET])
    expect(error).toBeInstanceOf(AdapterError)
    const adapterError = error as AdapterError
    expect(adapterError.kind).toBe('rejected')
    expect(adapterError.reason).toBe('token_reused')
    expect(adapterError.message).toBe(
      "refresh failed (rejected): the adapter's error held a token and could not be redacted",
    )
    expect(adapterError.retryAfterMs).toBeUndefined()
    expect(JSON.stringify({ message: adapterError.message, stack: adapterError.stack })).not.toContain(SECRET)
  })
})
