import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect'
import { InvalidOptionsError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { heldSession } from '../fixtures/heldSession.js'
import { credentials, HOUR, setupClient } from '../fixtures/setupClient.js'
import { fulfilled, settle } from '../fixtures/settle.js'

/** Stately's own inspector, with an adapter that keeps what it would send to the Stately app. */
function statelyInspector() {
  const sent: StatelyInspectionEvent[] = []
  const inspector = createInspector({ send: (event) => sent.push(event) })
  return { inspector, sent }
}

describe('createAuthClient({ inspect })', () => {
  it('takes @statelyai/inspect’s observer as it is, and Stately receives the chart, tokens redacted', async () => {
    const { inspector, sent } = statelyInspector()
    const { auth, clock } = setupClient({ client: { inspect: inspector.inspect } })
    await clock.flush()
    const signIn = settle(auth.signIn(credentials))
    await clock.flush()
    fulfilled(signIn)
    const session = heldSession(auth)
    await clock.advance(HOUR) // a refresh: a second pair of tokens
    const refreshed = heldSession(auth)
    expect(refreshed?.accessToken).not.toBe(session?.accessToken)

    const types = new Set(sent.map((e) => e.type))
    expect(types).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']))
    const statuses = sent.flatMap((e) =>
      e.type === '@xstate.snapshot' ? [JSON.stringify((e.snapshot as { value?: unknown }).value ?? null)] : [],
    )
    expect(statuses.some((value) => value.includes('refreshing'))).toBe(true)

    const seen = JSON.stringify(sent)
    expect(seen).toContain('[redacted]')
    for (const secret of [
      session?.accessToken,
      session?.refreshToken,
      refreshed?.accessToken,
      refreshed?.refreshToken,
      credentials.password,
    ]) {
      expect(secret).toBeTruthy()
      expect(seen).not.toContain(secret)
    }
  })

  it('rejects an inspect option that is neither a callback nor an observer (its next a function), saying which option', () => {
    expect(() => setupClient({ client: { inspect: { next: 'log' } as never } })).toThrow(InvalidOptionsError)
    expect(() => setupClient({ client: { inspect: 42 as never } })).toThrow(/createAuthClient options: inspect/)
  })
})
