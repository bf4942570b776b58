// What parseSession, decodeClaims and checkFreshSession say when a session is bad: the field they
// name and the message, exactly. A mutation run found these unpinned (docs/mutation.md); the
// message is what a developer reads when a backend answers something odd.
import { checkFreshSession, decodeClaims, InvalidSessionError, parseSession } from 'authchart'
import { describe, expect, it } from 'vitest'

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: Record<string, unknown>) => `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
const EXP = 1_800_000_000

function failure(run: () => unknown): { message: string; field: string | undefined } {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSessionError)
    const { message, field } = error as InvalidSessionError
    return { message, field }
  }
  throw new Error('expected an InvalidSessionError')
}

describe('parseSession', () => {
  it('takes expiresAt from exp, the user from sub, and keeps an ID token only when there is one', () => {
    const session = parseSession({ accessToken: jwt({ sub: 'u1', exp: EXP }), refreshToken: 'r1' })
    expect(session).toEqual({
      accessToken: jwt({ sub: 'u1', exp: EXP }),
      refreshToken: 'r1',
      expiresAt: EXP * 1000,
      user: { id: 'u1' },
      claims: { sub: 'u1', exp: EXP },
    })
    expect('idToken' in session).toBe(false)
  })

  it('with an ID token, reads the claims from it, and the expiry only from expiresAt', () => {
    const idToken = jwt({ sub: 'u2', exp: EXP })
    const session = parseSession({ accessToken: 'opaque', idToken, expiresAt: 5_000 })
    expect(session.idToken).toBe(idToken)
    expect(session.user).toEqual({ id: 'u2' })
    expect(session.expiresAt).toBe(5_000)
    // an ID token's exp is its own lifetime, not the access token's
    expect(failure(() => parseSession({ accessToken: 'opaque', idToken })).field).toBe('expiresAt')
  })

  it('names the first bad field, with its path', () => {
    expect(failure(() => parseSession({ accessToken: 5 }, 'sign-in response'))).toEqual({
      message: 'sign-in response is invalid (accessToken: Invalid input)',
      field: 'accessToken',
    })
    expect(failure(() => parseSession({ accessToken: jwt({ sub: 'u1', exp: EXP }), user: { id: '' } })).field).toBe(
      'user.id',
    )
  })

  it('a value that is not an object has no field to name', () => {
    expect(failure(() => parseSession('nope'))).toEqual({
      message: 'session is invalid (Invalid input)',
      field: undefined,
    })
  })

  it('says when neither expiresAt nor exp gives an expiry', () => {
    expect(failure(() => parseSession({ accessToken: jwt({ sub: 'u1' }) }, 'refresh response'))).toEqual({
      message: 'refresh response has no expiresAt and its token has no exp claim',
      field: 'expiresAt',
    })
  })

  it('refuses an expiry no clock reaches, naming where it came from', () => {
    expect(failure(() => parseSession({ accessToken: jwt({ sub: 'u1', exp: 1e308 }) }))).toEqual({
      message: 'session has an expiry that is not a time a clock can reach (Infinity)',
      field: 'accessToken.exp',
    })
    expect(failure(() => parseSession({ accessToken: jwt({ sub: 'u1', exp: 0 }) })).field).toBe('accessToken.exp')
    expect(failure(() => parseSession({ accessToken: jwt({ sub: 'u1' }), expiresAt: 8.64e15 + 1 })).field).toBe(
      'expiresAt',
    )
    expect(parseSession({ accessToken: jwt({ sub: 'u1' }), expiresAt: 8.64e15 }).expiresAt).toBe(8.64e15)
  })

  it('says when there is no user and no sub', () => {
    expect(failure(() => parseSession({ accessToken: jwt({ exp: EXP }) }, 'stored session'))).toEqual({
      message: 'stored session has no user and its token has no sub claim',
      field: 'user',
    })
  })
})

describe('decodeClaims', () => {
  it('says which token is not a JWT', () => {
    expect(failure(() => decodeClaims('not-a-jwt'))).toEqual({
      message: 'access token is not a well-formed JWT',
      field: 'accessToken',
    })
    expect(failure(() => decodeClaims('not-a-jwt', 'idToken'))).toEqual({
      message: 'ID token is not a well-formed JWT',
      field: 'idToken',
    })
  })

  it('names a claim of the wrong type', () => {
    expect(failure(() => decodeClaims(jwt({ sub: 5 })))).toEqual({
      message: 'access token claims is invalid (sub: Invalid input)',
      field: 'sub',
    })
  })
})

describe('checkFreshSession', () => {
  it('takes a session that expires after now, and refuses one that expires at now', () => {
    const session = parseSession({ accessToken: jwt({ sub: 'u1', exp: EXP }) })
    expect(checkFreshSession(session, EXP * 1000 - 1)).toBe(session)
    expect(failure(() => checkFreshSession(session, EXP * 1000, 'session from another tab'))).toEqual({
      message:
        'session from another tab expired 0 s before it arrived (expiresAt 2027-01-15T08:00:00.000Z, now 2027-01-15T08:00:00.000Z)',
      field: 'expiresAt',
    })
  })
})
