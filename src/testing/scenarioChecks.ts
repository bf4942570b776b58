import { SessionExpiredError } from '../errors.js'
import { type AuthWorld, findSecret } from './createAuthWorld.js'
import { statusOf } from './scenarioHelpers.js'

// The statuses of tab A each state of the model allows.
const expectedStatus: Record<string, readonly string[]> = {
  signedOut: ['unauthenticated', 'expired'],
  fresh: ['authenticated'],
  due: ['refreshing'],
  expired: ['refreshing'],
}

export function afterStep(world: AuthWorld, modelState: string) {
  const { A, B } = world.tabs
  const status = statusOf(A)
  if (!expectedStatus[modelState]?.includes(status)) {
    world.violate(`the model expects tab A ${modelState} (${expectedStatus[modelState]?.join('/')}), it is ${status}`)
  }
  // Every step: `expired` keeps the SessionExpiredError that says why, whatever fails later.
  if (status === 'expired' && !(A.client.getSnapshot().error instanceof SessionExpiredError)) {
    world.violate('I5: tab A is expired without a SessionExpiredError reason')
  }
  for (const tab of [A, B]) {
    // I1: no token the server issued is reachable from the public snapshot, after any step.
    const leak = findSecret(tab.client.getSnapshot(), world.secrets)
    if (leak) world.violate(`I1: a token is reachable from tab ${tab.name}'s public snapshot at ${leak}`)
    for (const error of tab.errorsSeen) {
      if (!tab.errorsEmitted.has(error)) world.violate(`I3: tab ${tab.name} holds an error that was never emitted`)
    }
  }
}

export async function checkSignedOutStore(world: AuthWorld) {
  const { A, B } = world.tabs
  if (A.client.getSnapshot().session !== null || B.client.getSnapshot().session !== null) return
  if ((await world.profile.storage.getItem(world.storageKey)) !== null) {
    world.violate('no tab holds a session, yet one is stored (a late result was written after sign-out)')
  }
}
