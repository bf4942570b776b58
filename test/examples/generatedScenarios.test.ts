// The model-based example of docs/testing.md, kept runnable: if this file changes, change the doc too.
import { type AuthClient, decodeClaims } from 'authchart'
import { generateAuthScenarios } from 'authchart/testing'
import { describe, expect, it } from 'vitest'

// Your app's boot code: the realtime socket must always hold the session's token, never a stale one.
function connectRealtime(auth: AuthClient) {
  const socket = { token: null as string | null }
  auth.addTokenSink((token) => {
    socket.token = token // in the app: realtime.setAuth(token)
  })
  return socket
}

describe('my app, through every generated scenario', () => {
  const mismatches: string[] = []
  const scenarios = generateAuthScenarios({
    client: { refreshMargin: 10 * 60_000 }, // your client options
    setup: (auth, tab) => {
      const socket = connectRealtime(auth)
      // The snapshot carries no token: the socket's token must be the one whose claims it shows.
      auth.subscribe((snapshot) => {
        const socketTokenId = socket.token === null ? null : decodeClaims(socket.token).jti
        if (socketTokenId !== (snapshot.claims?.jti ?? null)) mismatches.push(`${tab}: ${snapshot.status}`)
      })
    },
  })

  // Every scenario that reloads the page: where a restore could leave the socket on a stale token.
  for (const scenario of scenarios.filter((s) => s.events.some((e) => e.type === 'page.reloads'))) {
    it(scenario.description, async () => {
      await scenario.run() // rejects with the failing step and the whole path
      expect(mismatches).toEqual([])
    })
  }
})
