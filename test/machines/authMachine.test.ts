import { authMachine } from 'authchart'
import { describe, expect, it } from 'vitest'

describe('authMachine', () => {
  it('has the five states of the design at the top level of its session region', () => {
    const states = Object.keys(authMachine.getStateNodeById('auth.session').states)
    for (const name of ['unauthenticated', 'validating', 'authenticated', 'refreshing', 'expired']) {
      expect(states).toContain(name)
    }
  })
})
