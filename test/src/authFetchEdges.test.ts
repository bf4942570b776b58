import type { AuthClient } from 'authchart'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { signedIn } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, settle } from '../fixtures/settle.js'

// auth.fetch at its edges (src/createAuthFetch.ts): a page without an origin, a URL fetch cannot
// read, a Request's own headers, a token that changed while the request was out, the cooldown.

interface Seen {
  url: string
  headers: Headers
}

function recordingFetch(answer: (call: number) => number | Promise<number> = () => 200) {
  const seen: Seen[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    seen.push({ url, headers: new Headers(init?.headers) })
    return new Response(null, { status: await answer(seen.length) })
  }
  return { fetch: fetch as typeof globalThis.fetch, seen }
}

async function fetchNow(auth: AuthClient, clock: { flush(): Promise<void> }, input: RequestInfo | URL) {
  const response = settle(auth.fetch(input))
  await clock.flush()
  return fulfilled(response)
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('auth.fetch edges', () => {
  it('a page whose origin is "null" (file:, a sandboxed frame) counts as no page: every origin gets the bearer', async () => {
    vi.stubGlobal('location', { origin: 'null', href: 'file:///app/index.html' })
    const { fetch, seen } = recordingFetch()
    const { auth, clock } = await signedIn({ client: { fetch } })
    await fetchNow(auth, clock, 'https://api.example.com/orders')
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${heldSession(auth)?.accessToken}`)
  })

  it('a URL that cannot be read goes out without the bearer, and the warning names it', async () => {
    const { fetch, seen } = recordingFetch()
    const { auth, clock, logLines } = await signedIn({ client: { fetch } })
    await fetchNow(auth, clock, 'not a url')
    expect(seen).toHaveLength(1)
    expect(seen[0]?.headers.get('authorization')).toBeNull()
    expect(logLines).toEqual([
      "warn: auth.fetch sent a request to not a url without the bearer token: only the page's origin and `authFetch.origins` get it",
    ])
  })

  it('keeps the headers of a Request input and adds the bearer', async () => {
    const { fetch, seen } = recordingFetch()
    const { auth, clock } = await signedIn({ client: { fetch } })
    await fetchNow(auth, clock, new Request('https://api.example.com/orders', { headers: { 'x-trace': 'abc' } }))
    expect(seen[0]?.headers.get('x-trace')).toBe('abc')
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${heldSession(auth)?.accessToken}`)
  })

  it('a 401 for a token the chart has since replaced is retried with the new token, with no forced refresh', async () => {
    let client: AuthClient | undefined
    const { fetch, seen } = recordingFetch(async (call) => {
      if (call > 1) return 200
      await client!.refresh({ force: true }) // another part of the app refreshed meanwhile
      return 401
    })
    const env = await signedIn({ client: { fetch } })
    client = env.auth
    const first = heldSession(env.auth)?.accessToken
    const response = await fetchNow(env.auth, env.clock, 'https://api.example.com/orders')
    expect(response.status).toBe(200)
    expect(env.adapter.calls.refresh).toBe(1)
    const bearers = seen.map((s) => s.headers.get('authorization'))
    expect(bearers).toEqual([`Bearer ${first}`, `Bearer ${heldSession(env.auth)?.accessToken}`])
    expect(bearers[1]).not.toBe(bearers[0])
  })

  it('a 401 within the cooldown of the last forced refresh is returned as it is, without a retry', async () => {
    const { fetch, seen } = recordingFetch(() => 401)
    const { auth, clock, adapter } = await signedIn({ client: { fetch } })
    expect((await fetchNow(auth, clock, 'https://api.example.com/a')).status).toBe(401)
    expect(seen).toHaveLength(2) // the first 401 forced a refresh and one retry
    expect(adapter.calls.refresh).toBe(1)
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect((await fetchNow(auth, clock, 'https://api.example.com/b')).status).toBe(401)
    expect(seen).toHaveLength(3) // within the cooldown: no refresh, no retry
    expect(adapter.calls.refresh).toBe(1)
  })
})
