import type { AuthClient, AuthClientOptions, TabLocks } from 'authchart'
import type { AuthScenarioOptions, FakeCredentials, FakeTabs } from 'authchart/testing'
import { type AnyStateMachine, assign } from 'xstate'
import type { RefreshInput, SessionOutput } from '../../machines/AuthContext.js'
import type { authMachine as AuthMachine } from '../../machines/authMachine.js'
import { authSetup } from '../../machines/authSetup.js'
import type { AuthEffects } from '../../src/createAuthEffects.js'

/** One client's effects, which the shared chart's actors and actions call; a mutant may rewrite them. */
export type Effects = AuthEffects

/** A known bug, rebuilt as a variant of authchart (its chart or its effects) or of the app using it. */
export interface Mutant {
  name: string
  /** The bug report or seed it rebuilds. */
  source: string
  /** The chart the client runs instead of `authMachine`. */
  machine?: AnyStateMachine
  /** Rewrites the effects the client provides to the chart. */
  effects?: (effects: Effects) => Effects
  /** Options for the scenario: a consumer's anti-pattern, a broken lock. */
  scenario?: AuthScenarioOptions
}

type Config = { states?: Record<string, Config> } & Record<string, unknown>

/**
 * `authMachine` with the state at `path` (in its `session` region) replaced by `change(state)`;
 * everything else as it is.
 */
function withState(
  authMachine: typeof AuthMachine,
  path: string[],
  change: (state: Config) => Config,
): AnyStateMachine {
  const rebuild = (node: Config, [head, ...rest]: string[]): Config =>
    head === undefined
      ? change(node)
      : {
          ...node,
          states: { ...node.states, [head]: rebuild((node.states as Record<string, Config>)[head] as Config, rest) },
        }
  return authSetup.createMachine(
    rebuild(authMachine.config as unknown as Config, ['session', ...path]) as never,
  ) as unknown as AnyStateMachine
}

type PromiseCreator = (args: { input: RefreshInput; signal: AbortSignal }) => Promise<SessionOutput>
/** The original refresh effect. */
const refreshOf = (effects: Effects): PromiseCreator => effects.actors.refreshSession

function withRefresh(effects: Effects, refresh: PromiseCreator): Effects {
  return { ...effects, actors: { ...effects.actors, refreshSession: refresh } }
}

const passThroughLock: TabLocks = { request: (_name, _options, callback) => callback() }

// A lock that excludes other tabs but lets the tab that holds it in again: a mutex around "the
// tab", not around one request.
function reentrantPerTab(locks: TabLocks): TabLocks {
  let depth = 0
  return {
    async request(name, options, callback) {
      if (depth > 0) return callback()
      return locks.request(name, options, async () => {
        depth += 1
        try {
          return await callback()
        } finally {
          depth -= 1
        }
      })
    },
  }
}

// Releases the lock when the work succeeds, and never when it fails (auth0-spa-js #275).
function leakOnError(locks: TabLocks): TabLocks {
  return {
    request: (name, options, callback) =>
      new Promise((resolve, reject) => {
        // A lock request that fails (an aborted wait) fails the caller: that path is not the bug.
        locks
          .request(name, options, () =>
            callback().then(
              (value) => {
                resolve(value)
                return value
              },
              (error: unknown) => {
                reject(error)
                return new Promise<never>(() => undefined)
              },
            ),
          )
          .then(undefined, reject)
      }),
  }
}

const withLocks = (make: (profile: FakeTabs) => TabLocks) => (profile: FakeTabs) => ({
  channel: profile.channel,
  locks: make(profile),
})

// Seed 000: the page "validates" by looking at the status, then reads the token from storage.
function readsStorageAfterValidating(options: AuthClientOptions<FakeCredentials>): AuthClient<FakeCredentials> {
  const client = createAuthClientRef.current(options)
  const storage = options.storage
  return Object.assign(Object.create(client) as AuthClient<FakeCredentials>, {
    async getToken() {
      if (client.getSnapshot().status === 'unauthenticated') return client.getToken()
      const raw = await storage?.getItem(options.storageKey ?? 'authchart.session')
      if (!raw) return client.getToken()
      return (JSON.parse(raw) as { accessToken: string }).accessToken
    },
  })
}

/** Set by the test file, which owns the mocked module graph. */
export const createAuthClientRef: {
  current: (options: AuthClientOptions<FakeCredentials>) => AuthClient<FakeCredentials>
} = {
  current: () => {
    throw new Error('createAuthClientRef not set')
  },
}

const waiterWithoutUntil = (joinedOf: (force: boolean) => boolean) =>
  assign(({ context, event }: { context: { calls: unknown[] }; event: { type: string } }) => {
    if (event.type !== 'session.refresh') return {}
    const e = event as unknown as { id: number; force: boolean }
    return {
      calls: [
        ...context.calls,
        { kind: 'refresh', id: e.id, force: e.force, until: undefined, joined: joinedOf(e.force) },
      ],
    }
  })

/**
 * The corpus: every bug the issue lists, and the seeds. Takes the real chart as an argument
 * because the test that runs the corpus replaces the chart's module.
 */
export const buildMutants = (authMachine: typeof AuthMachine): Mutant[] => [
  {
    name: 'validate, then read the token from storage',
    source: 'seed 000',
    scenario: { createClient: (options) => readsStorageAfterValidating(options) },
  },
  {
    name: 'a restore error swallowed by a catch',
    source: 'seed 001',
    machine: withState(authMachine, ['restoring'], (state) => ({
      ...state,
      invoke: { ...(state.invoke as Config), onError: { target: 'unauthenticated' } },
    })),
  },
  {
    name: 'the sink not called on restore',
    source: 'seed 001',
    machine: withState(authMachine, ['checkingRestored'], (state) => ({ ...state, entry: [] })),
  },
  {
    name: 'a refresh rejection treated as transient (retried forever)',
    source: 'seed 002',
    machine: withState(authMachine, ['refreshing', 'requesting'], (state) => {
      const invoke = state.invoke as Config & { onError: unknown[] }
      return { ...state, invoke: { ...invoke, onError: invoke.onError.slice(1) } }
    }),
  },
  {
    name: 'a transient failure treated as a sign-out',
    source: 'seed 002',
    machine: withState(authMachine, ['refreshing', 'requesting'], (state) => {
      const invoke = state.invoke as Config & { onError: Array<Record<string, unknown>> }
      const { guard: _guard, ...rejected } = invoke.onError[0] as Record<string, unknown>
      return { ...state, invoke: { ...invoke, onError: [rejected] } }
    }),
  },
  {
    name: 'a forced refresh that returns the cached token',
    source: 'seed 003',
    effects: (effects) => {
      const refresh = refreshOf(effects)
      return withRefresh(effects, async (args) =>
        args.input.force
          ? { session: args.input.session, refreshTokenAt: args.input.refreshTokenAt, storageError: null }
          : refresh(args),
      )
    },
  },
  {
    name: '`until` not checked',
    source: 'seed 003',
    machine: authMachine.provide({
      actions: {
        addWaiterForNextRequest: waiterWithoutUntil(() => false) as never,
        addWaiterToCurrentRequest: waiterWithoutUntil((force) => !force) as never,
      },
    }),
  },
  {
    name: 'concurrent refresh in one tab',
    source: 'oidc-client-ts #1618, auth0-spa-js #553',
    machine: withState(authMachine, ['refreshing', 'requesting'], (state) => {
      const invoke = state.invoke as Config
      // The second request's outcome is dropped on the floor, as in the bug reports.
      return { ...state, invoke: [invoke, { src: 'refreshSession', input: invoke.input, onDone: {}, onError: {} }] }
    }),
    scenario: { tabs: withLocks((profile) => reentrantPerTab(profile.locks)) },
  },
  {
    name: 'two tabs spending one rotating refresh token',
    source: 'supabase auth-js #213, #441; oidc-client-ts #430',
    scenario: { tabs: withLocks(() => passThroughLock) },
  },
  {
    name: 'a lock never released after an error',
    source: 'auth0-spa-js #275',
    scenario: { tabs: withLocks((profile) => leakOnError(profile.locks)) },
  },
  {
    name: 'a lock wait with no bound',
    source: 'supabase-js #1594',
    machine: authMachine.provide({ delays: { requestTimeout: 365 * 24 * 3_600_000 } }),
  },
  {
    name: 'a cache-bypass refresh merged into an in-flight cached one',
    source: 'auth0-spa-js #1691',
    machine: authMachine.provide({
      actions: {
        addWaiterToCurrentRequest: assign({
          calls: ({ context, event }) =>
            event.type === 'session.refresh'
              ? [
                  ...context.calls,
                  { kind: 'refresh' as const, id: event.id, force: event.force, until: event.until, joined: true },
                ]
              : context.calls,
        }),
      },
    }),
  },
  {
    name: 'a late refresh result applied after sign-out',
    source: 'mutationGaps.test.ts',
    effects: (effects) => {
      const refresh = refreshOf(effects)
      // The answer is awaited and stored even after the chart aborted the request.
      return withRefresh(effects, (args) => refresh({ ...args, signal: new AbortController().signal }))
    },
  },
  {
    name: 'a timer not rescheduled (self-transition without reenter)',
    source: 'docs/architecture.md, "Mutations tried"',
    machine: withState(authMachine, ['authenticated'], (state) => ({
      ...state,
      after: { refreshCheckDelay: [{ guard: 'isRefreshDue', target: 'refreshing' }, { target: 'authenticated' }] },
    })),
  },
  {
    name: 'a stale broadcast overwriting a newer session',
    source: 'no freshness guard',
    machine: withState(authMachine, ['authenticated'], (state) => {
      const on = state.on as Record<string, Record<string, unknown>>
      const { guard: _guard, ...unguarded } = on['tab.sessionChanged'] as Record<string, unknown>
      return { ...state, on: { ...on, 'tab.sessionChanged': unguarded } }
    }),
  },
]
