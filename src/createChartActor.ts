import { type Actor, type ActorOptions, type ActorSystem, createActor, fromPromise } from 'xstate'
import type { RefreshInput, RestoreOutput, SessionOutput } from '../machines/AuthContext.js'
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

type EffectActor = keyof AuthEffects['actors']

// A promise actor that runs the effect `name` of the client whose actor runs it.
function dispatchPromise<Output, Input>(name: EffectActor) {
  return fromPromise<Output, Input>((args) =>
    (effectsOf(args.system).actors[name] as unknown as (a: typeof args) => Promise<Output>)(args),
  )
}

// An action that runs the effect `name` of the client whose actor runs it.
function dispatchAction(name: keyof AuthEffects['actions']) {
  return (args: EffectArgs) => effectsOf(args.system).actions[name](args)
}

/**
 * The implementations every client's chart runs: each one calls the effect of the client whose
 * actor runs it. Provided once for all clients, so a client costs no `provide()` (a new machine:
 * its whole state tree rebuilt) and its chart definition holds no per-client closure.
 */
export const dispatchToClientEffects = {
  actors: {
    restoreSession: dispatchPromise<RestoreOutput, unknown>('restoreSession'),
    validateSession: dispatchPromise<{ user?: AuthUser | undefined }, { session: Session }>('validateSession'),
    signInWithCredentials: dispatchPromise<SessionOutput, { credentials: unknown }>('signInWithCredentials'),
    refreshSession: dispatchPromise<SessionOutput, RefreshInput>('refreshSession'),
    signOutSession: dispatchPromise<void, { session: Session | null }>('signOutSession'),
    watchSessionChanges: dispatchPromise<never, unknown>('watchSessionChanges'),
  },
  actions: {
    syncSinks: dispatchAction('syncSinks'),
    clearStoredSession: dispatchAction('clearStoredSession'),
    storeSession: dispatchAction('storeSession'),
    announceSession: dispatchAction('announceSession'),
    announceSignOut: dispatchAction('announceSignOut'),
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
