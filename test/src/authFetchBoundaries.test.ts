import { InvalidOptionsError } from 'authchart'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setupClient, signedIn } from '../fixtures/setupClient.js'

function recordingFetch(statuses: number[] = []) {
  const seen: Array<{ url: string; authorization: string | null }> = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    seen.push({ url, authorization: new Headers(init?.headers).get('authorization') })
    return new Response(null, { status: statuses.shift() ?? 200 })
  }
  return { fetch: fetch as typeof globalThis.fetch, seen }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('auth.fetch sends the bearer only where it belongs', () => {
  it('in a page: to its own origin and relative URLs, not to a third party (warned once per origin)', async () => {
    vi.stubGlobal('location', { origin: 'https://app.example.com', href: 'https://app.example.com/pay' })
    const { fetch, seen } = recordingFetch()
    const { auth, logLines } = await signedIn({ client: { fetch } })
    await auth.fetch('/api/orders')
    await auth.fetch('https://app.example.com/api/me')
    await auth.fetch('https://tracker.example.net/collect')
    await auth.fetch(new URL('https://tracker.example.net/again'))
    const bearer = `Bearer ${await auth.getToken()}`
    expect(seen.map((s) => s.authorization)).toEqual([bearer, bearer, null, null])
    expect(logLines.filter((l) => l.includes('tracker.example.net'))).toHaveLength(1)
    expect(logLines.join('\n')).not.toContain(bearer.slice(7))
  })

  it('in a page: to the origins the app lists', async () => {
    vi.stubGlobal('location', { origin: 'https://app.example.com', href: 'https://app.example.com/' })
    const { fetch, seen } = recordingFetch()
    const { auth } = await signedIn({ client: { fetch, authFetch: { origins: ['https://api.example.com'] } } })
    await auth.fetch(new Request('https://api.example.com/orders'))
    await auth.fetch('https://other.example.com/orders')
    expect(seen.map((s) => s.authorization !== null)).toEqual([true, false])
  })

  it('a request that goes out without the bearer is not retried on 401 and starts no refresh', async () => {
    vi.stubGlobal('location', { origin: 'https://app.example.com', href: 'https://app.example.com/' })
    const { fetch, seen } = recordingFetch([401])
    const { auth, adapter } = await signedIn({ client: { fetch } })
    const res = await auth.fetch('https://elsewhere.example.org/x')
    expect(res.status).toBe(401)
    expect(seen).toHaveLength(1)
    expect(adapter.calls.refresh).toBe(0)
  })

  it('with no page origin (Node), every origin gets it unless the app lists some', async () => {
    const open = recordingFetch()
    const { auth } = await signedIn({ client: { fetch: open.fetch } })
    await auth.fetch('https://a.example.com/x')
    await auth.fetch('https://b.example.com/x')
    expect(open.seen.every((s) => s.authorization?.startsWith('Bearer '))).toBe(true)

    const listed = recordingFetch()
    const { auth: strict } = await signedIn({
      client: { fetch: listed.fetch, authFetch: { origins: ['https://a.example.com'] } },
    })
    await strict.fetch('https://a.example.com/x')
    await strict.fetch('https://b.example.com/x')
    expect(listed.seen.map((s) => s.authorization !== null)).toEqual([true, false])
  })

  it('an origin in another spelling is the same origin', async () => {
    vi.stubGlobal('location', { origin: 'https://app.example.com', href: 'https://app.example.com/' })
    const { fetch, seen } = recordingFetch()
    const { auth } = await signedIn({
      client: { fetch, authFetch: { origins: ['https://API.example.com:443', 'https://b.example.com/'] } },
    })
    await auth.fetch('https://api.example.com/x')
    await auth.fetch('https://b.example.com/x')
    expect(seen.map((s) => s.authorization !== null)).toEqual([true, true])
  })

  it('`fetch: { origins }` (the fetch option is the function) is an InvalidOptionsError pointing at authFetch', () => {
    expect(() => setupClient({ client: { fetch: { origins: ['https://api.example.com'] } as never } })).toThrow(
      /authFetch: \{ origins \}/,
    )
  })

  it('an origin option that is not an origin is an InvalidOptionsError naming it', () => {
    expect(() => setupClient({ client: { authFetch: { origins: ['api.example.com'] } } })).toThrow(InvalidOptionsError)
    expect(() => setupClient({ client: { authFetch: { origins: ['https://api.example.com/v1'] } } })).toThrow(
      /authFetch\.origins\.0/,
    )
  })
})

describe('auth.fetch: forced refreshes from 401s are bounded', () => {
  it('ten sequential 401s force one refresh within the cooldown, and another after it', async () => {
    const { fetch } = recordingFetch(Array.from({ length: 40 }, () => 401))
    const { auth, adapter, clock } = await signedIn({ client: { fetch } })
    for (let i = 0; i < 10; i++) expect((await auth.fetch('https://api.test/x')).status).toBe(401)
    expect(adapter.calls.refresh).toBe(1)
    await clock.advance(9_000)
    await auth.fetch('https://api.test/x')
    expect(adapter.calls.refresh).toBe(1)
    await clock.advance(1_000)
    await auth.fetch('https://api.test/x')
    expect(adapter.calls.refresh).toBe(2)
  })

  it('concurrent 401s share one forced refresh and each retries with the new token', async () => {
    const { fetch, seen } = recordingFetch([401, 401, 401, 200, 200, 200])
    const { auth, adapter } = await signedIn({ client: { fetch } })
    const before = await auth.getToken()
    const results = await Promise.all([1, 2, 3].map(() => auth.fetch('https://api.test/x')))
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    expect(adapter.calls.refresh).toBe(1)
    const after = `Bearer ${await auth.getToken()}`
    expect(seen.slice(0, 3).every((s) => s.authorization === `Bearer ${before}`)).toBe(true)
    expect(seen.slice(3).every((s) => s.authorization === after)).toBe(true)
  })

  it('the cooldown is an option; 0 turns it off', async () => {
    const { fetch } = recordingFetch(Array.from({ length: 10 }, () => 401))
    const { auth, adapter } = await signedIn({ client: { fetch, authFetch: { refreshCooldown: 0 } } })
    await auth.fetch('https://api.test/x')
    await auth.fetch('https://api.test/x')
    expect(adapter.calls.refresh).toBe(2)
  })
})
