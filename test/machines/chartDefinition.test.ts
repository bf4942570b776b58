// The chart's definition loads. This file imports the chart only inside its test: a definition
// that throws while its module loads (a state target naming no state, a compound state without
// its initial state) then fails this test, where every suite that imports the chart at the top
// would only fail to load, which a mutation run does not count as a failing test.
import { describe, expect, it } from 'vitest'

describe('the chart definition', () => {
  it('loads, with its id, its initial states and the states its transitions name', async () => {
    const { authMachine } = await import('authchart')
    expect(authMachine.id).toBe('auth')
    // Two parallel regions: the session (the public status) and the network.
    expect(authMachine.root.type).toBe('parallel')
    expect(Object.keys(authMachine.root.states)).toEqual(['session', 'network'])
    const session = authMachine.getStateNodeById('auth.session')
    expect(session.initial.target.map((node) => node.key)).toEqual(['restoring'])
    const network = authMachine.getStateNodeById('auth.network')
    expect(network.initial.target.map((node) => node.key)).toEqual(['online'])
    expect(Object.keys(network.states)).toEqual(['online', 'offline'])
    const refreshing = authMachine.getStateNodeById('auth.session.refreshing')
    expect(refreshing.initial.target.map((node) => node.key)).toEqual(['starting'])
    expect(Object.keys(refreshing.states)).toEqual([
      'starting',
      'requesting',
      'routing',
      'afterFailure',
      'backingOff',
      'awaitingClaims',
    ])
    expect(Object.keys(session.states)).toEqual([
      'restoring',
      'checkingRestored',
      'validating',
      'authenticated',
      'refreshing',
      'expired',
      'unauthenticated',
      'signingIn',
      'signingOut',
    ])
  })
})
