// A minimal authchart adapter for the GoTrue refresh grant, so authchart and auth-js refresh
// through the very same counting fetch.
import type { AuthAdapter } from 'authchart'

export function createGoTrueBenchAdapter(
  fetch: typeof globalThis.fetch,
  initial: { accessToken: string; refreshToken: string; expiresAt: number },
  now: () => number = Date.now,
): AuthAdapter<unknown> {
  return {
    name: 'gotrue-bench',
    signIn: async () => initial,
    async refresh(session, { signal }) {
      const res = await fetch('http://127.0.0.1:1/auth/v1/token?grant_type=refresh_token', {
        method: 'POST',
        body: JSON.stringify({ refresh_token: session.refreshToken }),
        signal,
      })
      const body = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number }
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: now() + body.expires_in * 1000,
      }
    },
  }
}
