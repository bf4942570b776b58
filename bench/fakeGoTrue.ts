// A counting stand-in for the GoTrue token endpoint, shared by the auth-js and authchart runs so
// both sides pay for the same "server".
import { createFakeClock } from 'authchart/testing'

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** An unsigned JWT for `sub`, valid for `ttlSeconds` from `nowMs`. */
export function makeJwt(sub: string, nowMs: number, ttlSeconds: number, padding = 0): string {
  const iat = Math.floor(nowMs / 1000)
  const payload = { sub, iat, exp: iat + ttlSeconds, role: 'authenticated', pad: 'x'.repeat(padding) }
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`
}

/** A GoTrue-shaped session as auth-js stores it. */
export function goTrueSession(nowMs: number, ttlSeconds: number, refreshToken: string, padding = 0) {
  return {
    access_token: makeJwt('user-1', nowMs, ttlSeconds, padding),
    refresh_token: refreshToken,
    token_type: 'bearer',
    expires_in: ttlSeconds,
    expires_at: Math.floor(nowMs / 1000) + ttlSeconds,
    user: {
      id: 'user-1',
      aud: 'authenticated',
      role: 'authenticated',
      email: 'ada@example.com',
      app_metadata: {},
      user_metadata: {},
      created_at: new Date(nowMs).toISOString(),
    },
  }
}

export interface CountingGoTrueOptions {
  /** A real delay before each answer, in ms: the round trip of a real server. Default 0. */
  delayMs?: number
  /** The server's time, for the tokens it issues. Default `Date.now`. */
  now?: () => number
}

/** A fetch that answers GoTrue's refresh grant and counts the requests and the tokens sent. */
export function createCountingGoTrue({ delayMs = 0, now = Date.now }: CountingGoTrueOptions = {}) {
  let serial = 0
  const sent: string[] = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input)
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    if (url.includes('grant_type=refresh_token')) {
      const body = JSON.parse(String(init?.body ?? '{}')) as { refresh_token?: string }
      sent.push(body.refresh_token ?? '')
      serial += 1
      return new Response(JSON.stringify(goTrueSession(now(), 3600, `rt-${serial}`)), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    }
    return new Response('{}', { status: 404, headers: { 'content-type': 'application/json' } })
  }) as typeof globalThis.fetch
  return { fetch, sent, requests: () => sent.length }
}

export { createFakeClock }
