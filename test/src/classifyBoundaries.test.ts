// The edges of failure classification and Retry-After parsing that a mutation run found unpinned
// (docs/mutation.md): what is not an object, what classify may answer, what a delay may be.
import {
  AdapterError,
  AuthError,
  defaultClassify,
  parseRetryAfter,
  RequestTimeoutError,
  type RejectionReason,
  SessionExpiredError,
  toAdapterError,
} from 'authchart'
import { describe, expect, it } from 'vitest'

describe('defaultClassify', () => {
  it('takes an authchart error at its own kind', () => {
    expect(defaultClassify(new AdapterError('refresh', 'rejected'))).toBe('rejected')
    expect(defaultClassify(new SessionExpiredError('token_expired'))).toBe('rejected')
    expect(defaultClassify(new RequestTimeoutError('slow'))).toBe('transient')
    expect(defaultClassify(new AuthError('odd'))).toBe('transient')
  })

  it('a programming error is transient even when it carries a 401', () => {
    expect(defaultClassify(Object.assign(new TypeError('fetch failed'), { status: 401 }))).toBe('transient')
  })

  it('null, a string or a number is transient, not a crash', () => {
    expect(defaultClassify(null)).toBe('transient')
    expect(defaultClassify(undefined)).toBe('transient')
    expect(defaultClassify('401')).toBe('transient')
    expect(defaultClassify(401)).toBe('transient')
  })
})

describe('toAdapterError', () => {
  it('passes an authchart error through as it is', () => {
    const error = new AdapterError('validate', 'rejected')
    expect(toAdapterError('refresh', error, () => 'transient')).toBe(error)
  })

  it('wraps null as a transient failure', () => {
    const error = toAdapterError('refresh', null)
    expect(error).toBeInstanceOf(AdapterError)
    expect(error.kind).toBe('transient')
  })

  it('keeps a retryAfterMs only when it is a number of at least 0', () => {
    const retryAfter = (value: unknown) =>
      (toAdapterError('refresh', { status: 503, retryAfterMs: value }) as AdapterError).retryAfterMs
    expect(retryAfter(0)).toBe(0)
    expect(retryAfter(1_500)).toBe(1_500)
    expect(retryAfter(-1)).toBeUndefined()
    expect(retryAfter('1500')).toBeUndefined()
    expect(retryAfter(null)).toBeUndefined()
  })

  it('a classify that throws makes the failure transient, and the message says classify threw', () => {
    const error = toAdapterError('refresh', { status: 401 }, () => {
      throw new Error('classify bug')
    })
    expect(error).toBeInstanceOf(AdapterError)
    expect(error.kind).toBe('transient')
    expect(error.message).toBe("refresh failed, and the adapter's classify threw: Error: classify bug")
  })

  it('takes every rejection reason the API names', () => {
    const reasons: RejectionReason[] = [
      'token_reused',
      'family_revoked',
      'refresh_token_unknown',
      'validation_rejected',
      'token_expired',
      'no_refresh_token',
      'refresh_rejected',
    ]
    for (const reason of reasons) {
      const error = toAdapterError('refresh', { status: 400 }, () => ({ kind: 'rejected', reason })) as AdapterError
      expect([error.kind, error.reason]).toEqual(['rejected', reason])
    }
  })

  it('a verdict that is not a classification is transient: an unknown reason, a non-string reason, another kind', () => {
    const verdicts = [
      { kind: 'rejected', reason: 'bogus' },
      { kind: 'rejected', reason: 5 },
      { kind: 'transient', reason: 'token_reused' },
      { reason: 'token_reused' },
    ]
    for (const verdict of verdicts) {
      const error = toAdapterError('refresh', { status: 401 }, () => verdict as never)
      expect(error.kind).toBe('transient')
      expect(error.message).toContain('is not a classification')
    }
  })

  it('names the bad verdict as JSON in the message', () => {
    expect(toAdapterError('refresh', {}, () => 'nope' as never).message).toContain('returned "nope", which')
    expect(toAdapterError('refresh', {}, () => undefined as never).message).toContain('returned undefined, which')
  })
})

describe('parseRetryAfter', () => {
  const NOW = Date.parse('2026-10-21T07:28:00Z')
  const headers = (init: Record<string, string>) => new Headers(init)

  it('reads delay-seconds as milliseconds, around spaces', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '120' }), NOW)).toBe(120_000)
    expect(parseRetryAfter(headers({ 'retry-after': ' 5 ' }), NOW)).toBe(5_000)
    expect(parseRetryAfter(headers({ 'retry-after': '0' }), NOW)).toBe(0)
  })

  it('is undefined without the header, with an empty one, or with one it cannot read', () => {
    expect(parseRetryAfter(headers({}), NOW)).toBeUndefined()
    expect(parseRetryAfter(headers({ 'retry-after': '' }), NOW)).toBeUndefined()
    expect(parseRetryAfter(headers({ 'retry-after': '   ' }), NOW)).toBeUndefined()
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined()
  })

  it('does not read a number with other text as seconds', () => {
    // Date.parse reads '12abc' as nothing and '-5' as a year: neither is delay-seconds
    expect(parseRetryAfter(headers({ 'retry-after': '12abc' }), NOW)).toBeUndefined()
    expect(parseRetryAfter(headers({ 'retry-after': 'abc12' }), NOW)).toBeUndefined()
    expect(parseRetryAfter(headers({ 'retry-after': '1.5' }), NOW)).not.toBe(1_500)
  })

  it("measures an HTTP date against the response's Date header, else against now", () => {
    const at = 'Wed, 21 Oct 2026 07:30:00 GMT'
    expect(parseRetryAfter(headers({ 'retry-after': at }), NOW)).toBe(120_000)
    // the server's clock says 07:29: one minute left, whatever this client's clock says
    expect(
      parseRetryAfter(headers({ 'retry-after': at, date: 'Wed, 21 Oct 2026 07:29:00 GMT' }), NOW + 3_600_000),
    ).toBe(60_000)
  })

  it('a date already past is no wait, not a negative one', () => {
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 21 Oct 2026 07:00:00 GMT' }), NOW)).toBe(0)
  })
})
