import { describe, expect, it } from 'vitest'
import { dispatchToClientEffects } from '../../src/createChartActor.js'

// The shared chart finds each client's effects through its actor's system
// (src/createChartActor.ts). A system that no client bound (an actor made from the shared chart
// some other way) gets a clear error instead of running some other client's effects.

describe('the shared chart’s dispatch to client effects', () => {
  it('fails with a message that names the cause when the actor was not made by createChartActor', () => {
    const unbound = {} as Parameters<typeof dispatchToClientEffects.actions.syncSinks>[0]['system']
    expect(() =>
      dispatchToClientEffects.actions.syncSinks({ system: unbound, context: { session: null, refreshTokenAt: null } }),
    ).toThrow(new Error('authchart: this chart actor was not created by createChartActor'))
  })
})
