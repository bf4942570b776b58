import { NotAuthenticatedError, parseSession } from 'authchart'
import { createFakeAdapter } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { createPendingCalls } from '../../src/createPendingCalls.js'
import { credentials } from '../fixtures/setupClient.js'
import { fulfilled, rejected, settle } from '../fixtures/settle.js'

// The ids that tie each signIn() / refresh() promise to the chart's answer
// (src/createPendingCalls.ts). Through the client every call is answered once, with an error or a
// session; these pin the two answers the chart does not give today: one for an id no call holds
// (a second answer, or an event injected into the chart), and one with neither error nor session.

async function aSession() {
  const raw = await createFakeAdapter().signIn(credentials, { signal: new AbortController().signal, now: () => 0 })
  return parseSession(raw)
}

describe('pending calls', () => {
  it('an answer for an id no call holds is ignored, and a call is answered only once', async () => {
    const calls = createPendingCalls()
    const ids: number[] = []
    const call = settle(calls.add((id) => ids.push(id)))
    const session = await aSession()
    expect(() => calls.settle({ id: ids[0]! + 1, error: null, session })).not.toThrow()
    await Promise.resolve()
    expect(call.status).toBe('pending')
    calls.settle({ id: ids[0]!, error: null, session })
    expect(() => calls.settle({ id: ids[0]!, error: new NotAuthenticatedError(), session: null })).not.toThrow()
    await Promise.resolve()
    expect(fulfilled(call).user).toEqual(session.user)
  })

  it('an answer with neither error nor session fails the call as not authenticated', async () => {
    const calls = createPendingCalls()
    let callId = 0
    const call = settle(
      calls.add((id) => {
        callId = id
      }),
    )
    expect(() => calls.settle({ id: callId, error: null, session: null })).not.toThrow()
    await Promise.resolve()
    expect(rejected(call)).toBeInstanceOf(NotAuthenticatedError)
  })
})
