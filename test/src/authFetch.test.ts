import { describe, expect, it } from 'vitest'
import { signedIn } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, settle } from '../fixtures/settle.js'

function recordingFetch(statuses: number[]) {
  const seen: string[] = []
  const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(new Headers(init?.headers).get('authorization') ?? '')
    return new Response(null, { status: statuses.shift() ?? 200 })
  }
  return { fetch: fetch as typeof globalThis.fetch, seen }
}

describe('auth.fetch', () => {
  it('sends the bearer from getToken', async () => {
    const { fetch, seen } = recordingFetch([200])
    const { auth } = await signedIn({ client: { fetch } })
    const res = await auth.fetch('https://api.test/orders', { headers: { 'x-trace': '1' } })
    expect(res.status).toBe(200)
    expect(seen).toEqual([`Bearer ${heldSession(auth)?.accessToken}`])
  })

  it('on a 401 forces one refresh and retries once with the new token', async () => {
    const { fetch, seen } = recordingFetch([401, 200])
    const { auth, adapter } = await signedIn({ client: { fetch } })
    const old = heldSession(auth)?.accessToken
    const res = await auth.fetch('https://api.test/pay', { method: 'POST' })
    expect(res.status).toBe(200)
    expect(adapter.calls.refresh).toBe(1)
    expect(seen).toEqual([`Bearer ${old}`, `Bearer ${heldSession(auth)?.accessToken}`])
    expect(seen[0]).not.toBe(seen[1])
  })

  it('returns a second 401 to the caller without looping', async () => {
    const { fetch, seen } = recordingFetch([401, 401, 401, 401])
    const { auth, adapter } = await signedIn({ client: { fetch } })
    const res = await auth.fetch('https://api.test/pay')
    expect(res.status).toBe(401)
    expect(seen).toHaveLength(2)
    expect(adapter.calls.refresh).toBe(1)
  })

  it('returns the 401 when the forced refresh is rejected, and the session ends', async () => {
    const { fetch, seen } = recordingFetch([401])
    const { auth, adapter, clock } = await signedIn({ client: { fetch } })
    adapter.enqueue('refresh', 'rejected')
    const response = settle(auth.fetch('https://api.test/pay'))
    await clock.flush()
    expect(fulfilled(response).status).toBe(401)
    expect(seen).toHaveLength(1)
    expect(auth.getSnapshot().status).toBe('expired')
  })

  it('keeps the body of a Request input for the retry', async () => {
    const bodies: string[] = []
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(await new Request(input, init).text())
      return new Response(null, { status: bodies.length === 1 ? 401 : 200 })
    }) as typeof globalThis.fetch
    const { auth } = await signedIn({ client: { fetch } })
    await auth.fetch(new Request('https://api.test/pay', { method: 'POST', body: 'amount=5' }))
    expect(bodies).toEqual(['amount=5', 'amount=5'])
  })
})
