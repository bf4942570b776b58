import {
  type AuthClientOptions,
  ClaimsTimeoutError,
  createAuthClient,
  createMemoryStorage,
  InvalidOptionsError,
} from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { HOUR, MINUTE, signedIn } from '../fixtures/setupClient.js'
import { rejected, settle } from '../fixtures/settle.js'

// The exact InvalidOptionsError for each bad `createAuthClient` and `refresh()` option, and the
// defaults `refresh()` fills in (src/parseClientOptions.ts).

function optionsError(options: Partial<AuthClientOptions>): InvalidOptionsError {
  const clock = createFakeClock()
  try {
    createAuthClient({ adapter: createFakeAdapter({ clock }), clock, storage: createMemoryStorage(), ...options })
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError)
    return error as InvalidOptionsError
  }
  throw new Error('expected createAuthClient to throw')
}

describe('createAuthClient options: the message names the option and what is wrong', () => {
  it('an adapter method that is not a function', () => {
    const clock = createFakeClock()
    const adapter = { ...createFakeAdapter({ clock }), signIn: 'post /login' }
    const error = optionsError({ adapter: adapter as never })
    expect(error.message).toBe('createAuthClient options: adapter.signIn must be a function')
    // The cause is zod's error, with every issue.
    expect((error.cause as { issues: { path: string[] }[] }).issues[0]?.path).toEqual(['adapter', 'signIn'])
  })

  it.each([
    ['a channel that is not a function', { channel: 'authchart' }],
    ['locks without a request function', { locks: { request: 1 } }],
  ])('tabs with %s', (_what, tabs) => {
    expect(optionsError({ tabs: tabs as never }).message).toBe('createAuthClient options: tabs Invalid input')
  })

  it.each([
    'https://api.example.com/v1',
    'https://api.example.com/?q=1',
    'https://api.example.com/#top',
    'data:text/plain,api',
    'file:///',
    'api.example.com',
  ])('authFetch.origins entry %s is not an origin', (origin) => {
    expect(optionsError({ authFetch: { origins: [origin] } }).message).toBe(
      'createAuthClient options: authFetch.origins.0 must be an origin such as https://api.example.com',
    )
  })

  it('an origin with a trailing slash or a port is one', () => {
    const clock = createFakeClock()
    expect(() =>
      createAuthClient({
        adapter: createFakeAdapter({ clock }),
        clock,
        storage: createMemoryStorage(),
        authFetch: { origins: ['https://api.example.com/', 'http://127.0.0.1:8080'] },
      }),
    ).not.toThrow()
  })
})

describe('refresh() options', () => {
  it('a bad one rejects with a message that says it is a refresh option', async () => {
    const { auth, clock } = await signedIn()
    const outcome = settle(auth.refresh({ timeoutMs: -1 }))
    await clock.flush()
    const error = rejected(outcome)
    expect(error).toBeInstanceOf(InvalidOptionsError)
    expect((error as Error).message).toBe('refresh options: timeoutMs Invalid input')
  })

  it('unforced by default: a plain refresh() joins the timer’s refresh in flight', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 100 } } })
    await clock.advance(HOUR - MINUTE) // the timer's unforced refresh is now in flight
    expect(adapter.inFlight).toBe(1)
    const plain = settle(auth.refresh())
    await clock.advance(100)
    expect(plain.status).toBe('fulfilled')
    expect(adapter.calls.refresh).toBe(1)
  })

  it('with a claims predicate, the default timeout is 10 s', async () => {
    const { auth, clock } = await signedIn()
    const outcome = settle(auth.refresh({ force: true, until: (claims) => claims.never === true }))
    await clock.advance(9_999)
    expect(outcome.status).toBe('pending')
    await clock.advance(1)
    expect(rejected(outcome)).toBeInstanceOf(ClaimsTimeoutError)
  })
})
