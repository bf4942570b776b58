import { type Actor, type ActorOptions, type ActorSystem, createActor, fromCallback, fromPromise } from 'xstate'
import type { AuthEvent, RefreshInput, RestoreOutput, SessionOutput, TabAnnouncement } from '../machines/AuthContext.js'
import { authMachine } from '../machines/authMachine.js'
import type { AuthEffects } from './createAuthEffects.js'
import type { AuthUser, Session } from './Session.js'

// The system every actor and action is given (XState types it loosely).
type AnyActorSystem = ActorSystem<any> // eslint-disable-line @typescript-eslint/no-explicit-any

// Each client's effects, found through its actor's system: one system per client, shared by the
// chart and every actor it invokes, and gone with the client.
const effectsBySystem = new WeakMap<AnyActorSystem, AuthEffects>()

function effectsOf(system: AnyActorSystem): AuthEffects {
  const effects = effectsBySystem.get(system)
  if (!effects) throw new Error('authchart: this chart actor was not created by createChartActor')
  return effects
}

/**
 * The implementations every client's chart runs: each one calls the effect of the client whose
 * actor runs it. Provided once for all clients, so a client costs no `provide()` (a new machine:
 * its whole state tree rebuilt) and its chart definition holds no per-client closure.
 */
export const dispatchToClientEffects = {
  actors: {
    restoreSession: fromPromise<RestoreOutput>((args) => effectsOf(args.system).actors.restoreSession(args)),
    validateSession: fromPromise<{ user?: AuthUser | undefined }, { session: Session }>((args) =>
      effectsOf(args.system).actors.validateSession(args),
    ),
    signInWithCredentials: fromPromise<SessionOutput, { credentials: unknown }>((args) =>
      effectsOf(args.system).actors.signInWithCredentials(args),
    ),
    refreshSession: fromPromise<SessionOutput, RefreshInput>((args) =>
      effectsOf(args.system).actors.refreshSession(args),
    ),
    signOutSession: fromPromise<void, { session: Session | null }>((args) =>
      effectsOf(args.system).actors.signOutSession(args),
    ),
    watchSessionChanges: fromCallback<TabAnnouncement>(({ system, sendBack, receive }) =>
      effectsOf(system).actors.watchSessionChanges({ sendBack: (event: AuthEvent) => sendBack(event), receive }),
    ),
  },
  actions: {
    syncSinks: (args: EffectArgs) => effectsOf(args.system).actions.syncSinks(args),
    clearStoredSession: (args: EffectArgs) => effectsOf(args.system).actions.clearStoredSession(),
    storeSession: (args: EffectArgs) => effectsOf(args.system).actions.storeSession(args),
  },
}

interface EffectArgs {
  system: AnyActorSystem
  context: { session: Session | null; refreshTokenAt: number | null }
}

const clientChart = authMachine.provide(dispatchToClientEffects)

/**
 * Binds `effects` to the actor's system, so the shared chart's implementations reach them.
 *
 * @example
 * const actor = createActor(authMachine.provide(dispatchToClientEffects))
 * bindEffects(actor.system, createAuthEffects({ adapter, store, clock, sinks, report, tabs, storageKey }))
 */
export function bindEffects(system: AnyActorSystem, effects: AuthEffects): void {
  effectsBySystem.set(system, effects)
}

/**
 * Creates one client's chart actor: the chart shared by every client, with this client's effects
 * bound to the actor's system.
 *
 * @example
 * const actor = createChartActor(effects, { clock, input })
 */
export function createChartActor(
  effects: AuthEffects,
  options: ActorOptions<typeof authMachine> & { input: NonNullable<ActorOptions<typeof authMachine>['input']> },
): Actor<typeof authMachine> {
  const actor = createActor(clientChart, options)
  bindEffects(actor.system, effects)
  return actor
}
