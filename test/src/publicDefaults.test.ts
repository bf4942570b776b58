import {
  checkFreshSession,
  consoleLogger,
  createAuthClient,
  createMemoryStorage,
  defaultClock,
  InvalidSessionError,
  parseRetryAfter,
  parseSession,
  SinkError,
} from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { credentials, signedIn } from '../fixtures/setupClient.js'
import { fulfilled, settle } from '../fixtures/settle.js'

// The small public pieces the client falls back on, and the boundaries of what the sessions and
// sinks accept, each pinned by what a caller sees.

afterEach(() => {
  vi.restoreAllMocks()
})

/** An unsigned JWT with these claims: `parseSession` decodes, it does not verify. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
}

describe('consoleLogger and defaultClock', () => {
  it('consoleLogger writes to the console with an [authchart] prefix', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    consoleLogger.warn('careful')
    consoleLogger.error('broken')
    expect(warn).toHaveBeenCalledExactlyOnceWith('[authchart] careful')
    expect(error).toHaveBeenCalledExactlyOnceWith('[authchart] broken')
  })

  it('defaultClock reads Date.now and schedules with the global timers', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_234)
    expect(defaultClock.now()).toBe(1_234)
    const handle = { timer: 1 }
    const set = vi.spyOn(globalThis, 'setTimeout').mockReturnValue(handle as never)
    const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(() => undefined)
    const fn = () => undefined
    expect(defaultClock.setTimeout(fn, 500)).toBe(handle)
    expect(set).toHaveBeenCalledExactlyOnceWith(fn, 500)
    defaultClock.clearTimeout(handle)
    expect(clear).toHaveBeenCalledExactlyOnceWith(handle)
  })
})

describe('inspect and session info', () => {
  it('an observer without next() is accepted and simply receives nothing', async () => {
    const clock = createFakeClock()
    const auth = createAuthClient({
      adapter: createFakeAdapter({ clock }),
      clock,
      storage: createMemoryStorage(),
      inspect: {},
    }).start()
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('claims keep empty arrays and objects as they are', async () => {
    const { auth } = await signedIn({ adapter: { claims: { roles: [], org: {} } } })
    expect(auth.getSnapshot().claims?.roles).toEqual([])
    expect(auth.getSnapshot().claims?.org).toEqual({})
  })
})

describe('token sinks', () => {
  it('a sink that throws is reported as a SinkError with the cause; a sink returning a value is fine', async () => {
    const { auth, clock } = await signedIn()
    const errors: unknown[] = []
    auth.on('error', ({ error }) => errors.push(error))
    const cause = new Error('socket closed')
    auth.addTokenSink(() => {
      throw cause
    })
    auth.addTokenSink(() => 42 as never)
    await clock.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(SinkError)
    expect((errors[0] as Error).message).toBe('a token sink failed')
    expect((errors[0] as Error & { cause?: unknown }).cause).toBe(cause)
  })

  it('a sink hears each token once: a check that keeps the token does not push it again', async () => {
    const { auth, clock } = await signedIn()
    const heard: (string | null)[] = []
    auth.addTokenSink((token) => {
      heard.push(token)
    })
    auth.notify('visible')
    auth.notify('online')
    await clock.flush()
    expect(heard).toHaveLength(1)
    const refreshed = settle(auth.refresh({ force: true }))
    await clock.flush()
    fulfilled(refreshed)
    expect(heard).toHaveLength(2)
    expect(heard[1]).not.toBe(heard[0])
  })
})

describe('parseSession and checkFreshSession boundaries', () => {
  const exp = Math.floor(Date.UTC(2030, 0, 1) / 1000)

  it('refuses a user with an empty id and claims of the wrong type', () => {
    expect(() => parseSession({ accessToken: jwt({ sub: 'u', exp }), user: { id: '' } })).toThrow(InvalidSessionError)
    expect(() => parseSession({ accessToken: jwt({ sub: 'u', exp: 'soon' }) })).toThrow(
      /access token claims is invalid \(exp: /,
    )
  })

  it('names an empty access token and a bad ID token as such', () => {
    expect(() => parseSession({ accessToken: '' })).toThrow(
      'session is invalid (accessToken: access token is missing or empty)',
    )
    let error: unknown
    try {
      parseSession({ accessToken: 'opaque', idToken: 'not-a-jwt', expiresAt: exp * 1000 })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidSessionError)
    expect((error as Error).message).toBe('ID token is not a well-formed JWT')
    expect((error as InvalidSessionError).field).toBe('idToken')
  })

  it('checkFreshSession calls it a session unless told otherwise', () => {
    const session = parseSession({ accessToken: jwt({ sub: 'u', exp }) })
    expect(() => checkFreshSession(session, exp * 1000 + 2_000)).toThrow(/^session expired 2 s before it arrived/)
  })
})

describe('parseRetryAfter', () => {
  it('reads delay-seconds padded with any white space, not only what Headers strips', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '\u00a0120' }), 0)).toBe(120_000)
  })
})
