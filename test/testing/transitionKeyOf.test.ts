import { authMachine, createAuthClient, createMemoryStorage } from 'authchart'
import {
  chartTransitions,
  createFakeAdapter,
  createFakeClock,
  recordCoverage,
  transitionKeyOf,
  type InspectedTransition,
} from 'authchart/testing'
import { expect, it } from 'vitest'
import type { InspectionEvent } from 'xstate'
import { credentials, MINUTE } from '../fixtures/setupClient.js'

// The same run twice: once read raw by recordCoverage, once through the client's redaction.
async function run(redactInspection: boolean, inspect: (event: InspectionEvent) => void) {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  adapter.enqueue('refresh', 'transient', 'ok')
  const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), inspect, redactInspection }).start()
  await clock.flush()
  await auth.signIn(credentials)
  await clock.advance(60 * MINUTE)
  await auth.signOut()
  auth.stop()
}

it('names the transitions of redacted microstep events as recordCoverage names the raw ones', async () => {
  const raw = recordCoverage()
  await run(false, raw.inspect)
  const redacted: string[] = []
  await run(true, (event) => {
    if (event.type !== '@xstate.microstep') return
    for (const t of event._transitions as unknown as InspectedTransition[]) {
      const key = transitionKeyOf(authMachine, t)
      if (key !== undefined) redacted.push(key)
    }
  })
  expect(new Set(redacted)).toEqual(raw.transitions)
  const known = new Set(chartTransitions(authMachine).map((t) => t.key))
  for (const key of redacted) expect(known.has(key), key).toBe(true)
  // the run went through eventless branches, a retry after a failed refresh and a sign-out
  expect(redacted).toContain('auth.session --auth.signOut[0]')
  expect(redacted.some((key) => key.includes('--always['))).toBe(true)
  expect(redacted.some((key) => key.startsWith('auth.session.refreshing.backingOff --after'))).toBe(true)
})

it('gives undefined for a state the chart does not have', () => {
  expect(transitionKeyOf(authMachine, { source: { id: 'other.idle' }, eventType: 'go' })).toBeUndefined()
})
