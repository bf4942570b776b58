import type { AuthEnvironmentStep } from './authEnvironmentModel.js'
import type { BackendMove } from './AuthBackend.js'

/** The backend move each server step needs; a control without it leaves the step out. */
export const STEP_MOVES: Partial<Record<AuthEnvironmentStep, BackendMove>> = {
  'server.losesStore': 'loseStore',
  'server.restarts': 'restart',
  'server.expiresAccessToken': 'expireAccessToken',
  'server.revokesSession': 'revokeSession',
  'server.failsNext': 'failNext',
  'server.changesClaims': 'changeClaims',
}
