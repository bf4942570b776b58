// The example of docs/testing.md, kept runnable: if this file changes, change the doc too.
import { createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { expect, it } from 'vitest'

it('my app keeps its realtime socket on the user token through a refresh outage', async () => {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock, accessTokenTtl: 10 * 60_000, latency: { refresh: 200 } })
  const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()

  const socketTokens: Array<string | null> = []
  auth.addTokenSink((token) => {
    socketTokens.push(token) // in the app: realtime.setAuth(token)
  })

  await auth.signIn({ email: 'ada@example.com', password: 'secret' })
  adapter.enqueue('refresh', 'transient', 'ok') // the first refresh hits a 503

  await clock.advance(9 * 60_000 + 200) // the due refresh fails
  expect(auth.getSnapshot().status).toBe('refreshing')
  expect(auth.getSnapshot().error?.kind).toBe('transient')
  await expect(auth.getToken()).resolves.toBe(socketTokens.at(-1)) // still served, still valid

  await clock.advance(5_000) // the retry succeeds
  expect(auth.getSnapshot().status).toBe('authenticated')
  expect(adapter.calls.refresh).toBe(2)
  expect(socketTokens).toHaveLength(3) // null, first token, refreshed token
  expect(socketTokens.at(-1)).toBe(await auth.getToken())
})
