// The error model's public contract: each class's code, kind, name and default message, and how a
// cause is kept and redacted. A mutation run found these unpinned (docs/mutation.md); an app
// switches on `code` and `kind`, so they are API.
import {
  AdapterError,
  AuthError,
  ClaimsTimeoutError,
  InvalidOptionsError,
  InvalidSessionError,
  isAuthError,
  NotAuthenticatedError,
  redactTokens,
  RequestTimeoutError,
  SessionExpiredError,
  SinkError,
  StorageError,
} from 'authchart'
import { describe, expect, it } from 'vitest'

const JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSJ9.c2ln'

describe('the error classes', () => {
  it.each([
    { make: () => new AuthError('x'), name: 'AuthError', code: 'auth_error', kind: 'transient' },
    {
      make: () => new NotAuthenticatedError(),
      name: 'NotAuthenticatedError',
      code: 'not_authenticated',
      kind: 'state',
    },
    {
      make: () => new SessionExpiredError('token_expired'),
      name: 'SessionExpiredError',
      code: 'session_expired',
      kind: 'rejected',
    },
    {
      make: () => new ClaimsTimeoutError(1_000),
      name: 'ClaimsTimeoutError',
      code: 'claims_timeout',
      kind: 'transient',
    },
    { make: () => new StorageError('x'), name: 'StorageError', code: 'storage_error', kind: 'storage' },
    { make: () => new InvalidSessionError('x'), name: 'InvalidSessionError', code: 'invalid_session', kind: 'invalid' },
    {
      make: () => new AdapterError('signIn', 'rejected'),
      name: 'AdapterError',
      code: 'signIn_rejected',
      kind: 'rejected',
    },
    {
      make: () => new AdapterError('refresh', 'transient'),
      name: 'AdapterError',
      code: 'refresh_transient',
      kind: 'transient',
    },
    {
      make: () => new RequestTimeoutError('x'),
      name: 'RequestTimeoutError',
      code: 'request_timeout',
      kind: 'transient',
    },
    { make: () => new SinkError('x'), name: 'SinkError', code: 'sink_failed', kind: 'sink' },
    { make: () => new InvalidOptionsError('x'), name: 'InvalidOptionsError', code: 'invalid_options', kind: 'invalid' },
  ] as const)('$name has code $code and kind $kind', ({ make, name, code, kind }) => {
    // built inside the test, so that the run that measures coverage sees this test build it
    const error = make()
    expect(error).toBeInstanceOf(AuthError)
    expect(isAuthError(error)).toBe(true)
    expect([error.name, error.code, error.kind]).toEqual([name, code, kind])
  })

  it('isAuthError is false for other errors and values', () => {
    expect(isAuthError(new Error('x'))).toBe(false)
    expect(isAuthError({ code: 'auth_error', kind: 'transient' })).toBe(false)
  })

  it('keeps a cause when given one, and has none otherwise', () => {
    const cause = new Error('root')
    expect(new AuthError('x', { cause }).cause).toBe(cause)
    expect('cause' in new AuthError('x')).toBe(false)
  })

  it('NotAuthenticatedError says "not signed in" unless told otherwise', () => {
    expect(new NotAuthenticatedError().message).toBe('not signed in')
    expect(new NotAuthenticatedError('stopped').message).toBe('stopped')
  })
})

describe('messages', () => {
  it('never carry a JWT, from the message or from the cause', () => {
    expect(redactTokens(`bad ${JWT} here`)).toBe('bad [redacted jwt] here')
    expect(new AuthError(`token ${JWT}`).message).toBe('token [redacted jwt]')
    expect(new AdapterError('refresh', 'transient', { cause: new Error(`got ${JWT}`) }).message).toBe(
      'refresh failed (transient): got [redacted jwt]',
    )
    expect(new AdapterError('refresh', 'transient', { cause: `got ${JWT}` }).message).toBe(
      'refresh failed (transient): got [redacted jwt]',
    )
  })

  it('an adapter error names the operation, the kind, a rejection reason, and its cause', () => {
    expect(new AdapterError('signIn', 'rejected', { cause: 'bad password' }).message).toBe(
      'signIn failed (rejected): bad password',
    )
    expect(new AdapterError('refresh', 'rejected', { reason: 'token_reused', cause: new Error('401') }).message).toBe(
      'refresh failed (rejected, token_reused): 401',
    )
    expect(new AdapterError('refresh', 'transient', { reason: 'token_reused' }).reason).toBeUndefined()
    expect(new AdapterError('validate', 'transient', { cause: { status: 503 } }).message).toBe(
      'validate failed (transient): unknown error',
    )
    expect(new AdapterError('refresh', 'transient', { message: 'own words', retryAfterMs: 5 }).message).toBe(
      'own words',
    )
  })

  it('a session expiry names its reason, a suspected store loss, and its cause', () => {
    expect(new SessionExpiredError('token_reused').message).toBe('session expired (token_reused)')
    const lost = new SessionExpiredError('refresh_token_unknown', {
      cause: new Error('unknown token'),
      tokenAge: 60_000,
      suspectedStoreLoss: true,
    })
    expect(lost.message).toBe('session expired (refresh_token_unknown) (suspected server store loss): unknown token')
    expect([lost.reason, lost.tokenAge, lost.suspectedStoreLoss]).toEqual(['refresh_token_unknown', 60_000, true])
    const plain = new SessionExpiredError('token_expired')
    expect([plain.tokenAge, plain.suspectedStoreLoss]).toEqual([null, false])
  })

  it('a claims timeout names the wait and what it waited for', () => {
    expect(new ClaimsTimeoutError(2_000).message).toBe('no token with the expected claims within 2000 ms')
    const described = new ClaimsTimeoutError(500, 'role is admin')
    expect(described.message).toBe('no token with claims matching "role is admin" within 500 ms')
    expect(described.timeoutMs).toBe(500)
  })

  it('an invalid session names its field', () => {
    expect(new InvalidSessionError('bad', { field: 'expiresAt' }).field).toBe('expiresAt')
    expect(new InvalidSessionError('bad').field).toBeUndefined()
  })
})
