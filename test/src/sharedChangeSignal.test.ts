import { NotAuthenticatedError } from 'authchart'
import { expect, it } from 'vitest'
import { setupClient } from '../fixtures/setupClient.js'
import { rejected, settle } from '../fixtures/settle.js'

// Everything that waits for the chart to move (getToken()'s callers, a refresh() or sign-out
// waiting out a restore) waits on one shared change signal: a new waiter must not take the wake-up
// from one already waiting.
it('a getToken() and a refresh() waiting through the same restore both hear it end', async () => {
  const { auth, clock } = setupClient()
  expect(auth.getSnapshot().status).toBe('restoring')
  const token = settle(auth.getToken())
  const refresh = settle(auth.refresh())
  const second = settle(auth.getToken())
  await clock.flush()
  expect(auth.getSnapshot().status).toBe('unauthenticated')
  for (const outcome of [token, refresh, second]) expect(rejected(outcome)).toBeInstanceOf(NotAuthenticatedError)
})
