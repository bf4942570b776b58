import { StateMachine, StateNode } from 'xstate'
import { redactTokens } from './errors.js'

// Fields whose string value is a secret, whatever it looks like (refresh tokens are opaque).
const SECRET_KEYS = new Set([
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'idToken',
  'id_token',
  'token',
  'password',
  'codeVerifier',
  'code_verifier',
])
// Replaced whole, whatever their shape: sign-in credentials may hold a password, an OTP or an id token.
const SECRET_OBJECTS = new Set(['credentials'])
const REDACTED = '[redacted]'
// Tokens seen in the chart are remembered (the latest few), so that a copy of one under any other
// name, or inside a message, is caught too.
const REMEMBERED = 16
const MIN_SECRET_LENGTH = 8

/** A redacted copy of an actor's snapshot: its status and value as they are, data redacted. */
export interface InspectedSnapshot {
  readonly status: string
  readonly value?: unknown
  readonly context?: unknown
  /** A chart's snapshot answers these from its redacted copy (a promise actor's has neither). */
  readonly matches?: (value: unknown) => boolean
  readonly hasTag?: (tag: string) => boolean
  readonly [key: string]: unknown
}

/**
 * A read-only stand-in for an XState actor ref, built for inspectors: the ids and the definition
 * an inspector draws from, and snapshots, persisted snapshots, emitted events and children
 * redacted. It has no `send`, `start` or `stop`, and no way back to the real actor.
 */
export interface InspectedActorRef {
  readonly id: string
  readonly sessionId: string
  readonly systemId: string | undefined
  readonly src: unknown
  readonly logic: { readonly config: unknown }
  readonly _parent: InspectedActorRef | undefined
  readonly system: { get(systemId: string): InspectedActorRef | undefined }
  getSnapshot(): InspectedSnapshot
  getPersistedSnapshot(): unknown
  subscribe(observer?: ((snapshot: InspectedSnapshot) => void) | { next?: (snapshot: InspectedSnapshot) => void }): {
    unsubscribe(): void
  }
  on(type: string, handler: (event: unknown) => void): { unsubscribe(): void }
  toJSON(): { xstate$$type: 1; id: string }
}

/** Copies values with every token and credential replaced, and actor refs replaced by views. */
export interface Redactor {
  value<T>(value: T): T
  ref(ref: object): InspectedActorRef
}

interface ActorRefLike {
  id: string
  sessionId: string
  systemId?: string
  src: unknown
  logic?: { config?: unknown }
  _parent?: ActorRefLike
  system?: { get(systemId: string): ActorRefLike | undefined }
  getSnapshot(): unknown
  getPersistedSnapshot?(): unknown
  subscribe(observer: (snapshot: unknown) => void): { unsubscribe(): void }
  on?(type: string, handler: (event: unknown) => void): { unsubscribe(): void }
  send(event: unknown): void
}

function isActorRef(value: object): value is ActorRefLike {
  const ref = value as Partial<ActorRefLike>
  return typeof ref.sessionId === 'string' && typeof ref.getSnapshot === 'function' && typeof ref.send === 'function'
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Builds the redaction every inspection event goes through. Plain objects, arrays, maps, sets
 * and errors are copied with secrets replaced: fields named like tokens or credentials, strings
 * shaped like a JWT, and any token this redactor has seen in the chart. Actor refs become
 * {@link InspectedActorRef} views (one per ref, so inspectors that compare by identity keep
 * working). The chart's definition is given as data only: the machine as `{ id, config }` with
 * every function in the config replaced by its name, a state node as `{ id, key, path, type }`;
 * never the live `StateMachine`, whose implementations read the session store. Functions are
 * replaced by their names, except a machine snapshot's own `matches`, `hasTag`, `getMeta` and
 * `toJSON`, which answer from the redacted copy. Any other class instance is replaced by its
 * name, so nothing unknown is handed over by reference.
 *
 * @example
 * const redactor = createRedactor()
 * inspector(redactor.value(inspectionEvent))
 */
export function createRedactor(): Redactor {
  // Stryker disable next-line ArrayDeclaration: equivalent, a seeded "Stryker was here" secret is text no value holds, and it is the first to age out
  const secrets: string[] = []
  const views = new WeakMap<object, InspectedActorRef>()

  const remember = (secret: string) => {
    if (secret.length < MIN_SECRET_LENGTH || secrets.includes(secret)) return
    secrets.push(secret)
    if (secrets.length > REMEMBERED) secrets.shift()
  }
  // Secrets are learnt before anything is copied, so a token met first under an innocent name
  // is still caught when the same walk meets it again under its own.
  const learn = (value: unknown, seen: Set<object>) => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return
    seen.add(value)
    if (isActorRef(value) || value instanceof StateNode || value instanceof StateMachine) return
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value)
    for (const [key, item] of entries) {
      if (typeof item === 'string' && SECRET_KEYS.has(String(key))) remember(item)
      else learn(item, seen)
    }
    // An error's cause is not enumerable: a secret inside it must still be learnt.
    if (value instanceof Error) learn(value.cause, seen)
  }
  const redactString = (text: string) => {
    let out = redactTokens(text)
    for (const secret of secrets) out = out.replaceAll(secret, REDACTED)
    return out
  }

  const copy = (value: unknown, seen: WeakMap<object, unknown>): unknown => {
    if (typeof value === 'string') return redactString(value)
    if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
    if (typeof value !== 'object' || value === null) return value
    if (seen.has(value)) return seen.get(value)
    if (isActorRef(value)) return view(value)
    if (value instanceof StateMachine) return machineView(value)
    if (value instanceof StateNode) return nodeView(value)
    if (Array.isArray(value)) {
      const out: unknown[] = []
      seen.set(value, out)
      for (const item of value) out.push(copy(item, seen))
      return out
    }
    if (value instanceof Set) {
      const out = new Set<unknown>()
      seen.set(value, out)
      for (const item of value) out.add(copy(item, seen))
      return out
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>()
      seen.set(value, out)
      for (const [key, item] of value) out.set(key, field(String(key), item, seen))
      return out
    }
    if (value instanceof Error) {
      const out = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>
      seen.set(value, out)
      const define = (key: string, item: unknown, enumerable: boolean) =>
        Object.defineProperty(out, key, { value: item, enumerable, writable: true, configurable: true })
      for (const key of ['message', 'stack']) {
        const text = (value as unknown as Record<string, unknown>)[key]
        if (typeof text === 'string') define(key, redactString(text), false)
      }
      for (const [key, item] of Object.entries(value)) define(key, field(key, item, seen), true)
      if ('cause' in value) define('cause', copy(value.cause, seen), false)
      return out
    }
    if (!isPlainObject(value)) return `[${(value as object).constructor?.name ?? 'object'}]`
    const out: Record<string, unknown> = {}
    seen.set(value, out)
    for (const [key, item] of Object.entries(value)) {
      // A machine snapshot's own methods read `this`: on the copy they answer from the copy.
      out[key] = typeof item === 'function' && SNAPSHOT_METHODS.has(key) ? item : field(key, item, seen)
    }
    return out
  }
  const field = (key: string, item: unknown, seen: WeakMap<object, unknown>): unknown => {
    if (SECRET_OBJECTS.has(key) && item !== undefined) return REDACTED
    if (SECRET_KEYS.has(key) && typeof item === 'string') return REDACTED
    return copy(item, seen)
  }
  const redact = <T>(value: T): T => {
    learn(value, new Set())
    return copy(value, new WeakMap()) as T
  }

  // The chart's definition without its implementations: a live `StateMachine` or `StateNode`
  // leads to `machine.implementations`, whose effects read the session store and can be replaced.
  const machineViews = new WeakMap<object, object>()
  const machineView = (machine: { id: string; config: unknown }) => {
    const known = machineViews.get(machine)
    if (known) return known
    const made = Object.freeze({
      id: machine.id,
      config: definitionOf(machine.config),
      toJSON: () => ({ id: machine.id }),
    })
    machineViews.set(machine, made)
    return made
  }
  const nodeView = (node: { id: string; key: string; path: string[]; type: string }) => {
    const known = machineViews.get(node)
    if (known) return known
    const made = Object.freeze({ id: node.id, key: node.key, path: [...node.path], type: node.type })
    machineViews.set(node, made)
    return made
  }

  const view = (ref: ActorRefLike): InspectedActorRef => {
    const known = views.get(ref)
    if (known) return known
    let config: { value: unknown } | undefined
    let src: { value: unknown } | undefined
    const made: InspectedActorRef = Object.freeze({
      id: ref.id,
      sessionId: ref.sessionId,
      systemId: ref.systemId,
      // Copied on first read, not per view: a copy of the chart's definition (in `src` and in
      // `logic`) would otherwise be most of a client's heap, and only an inspector reads it.
      get src() {
        src ??= { value: copy(ref.src, new WeakMap()) }
        return src.value
      },
      logic: Object.freeze({
        get config() {
          config ??= { value: logicConfig(ref.logic?.config) }
          return config.value
        },
      }),
      get _parent() {
        return ref._parent ? view(ref._parent) : undefined
      },
      system: Object.freeze({
        get: (systemId: string) => {
          const found = ref.system?.get(systemId)
          return found ? view(found) : undefined
        },
      }),
      getSnapshot: () => redact(ref.getSnapshot()) as InspectedSnapshot,
      getPersistedSnapshot: () => redact(ref.getPersistedSnapshot?.()),
      subscribe: (
        observer?: ((snapshot: InspectedSnapshot) => void) | { next?: (snapshot: InspectedSnapshot) => void },
      ) => {
        const next = typeof observer === 'function' ? observer : observer?.next?.bind(observer)
        return ref.subscribe((snapshot) => next?.(redact(snapshot) as InspectedSnapshot))
      },
      on: (type: string, handler: (event: unknown) => void) =>
        ref.on?.(type, (event) => handler(redact(event))) ?? { unsubscribe: () => undefined },
      toJSON: () => ({ xstate$$type: 1 as const, id: ref.id }),
    })
    views.set(ref, made)
    return made
  }

  return { value: redact, ref: (ref) => (isActorRef(ref) ? view(ref) : redact(ref as never)) }
}

// The machine's config is its definition (Stately draws it); a promise actor's "config" is its
// function, which an inspector has no use for.
function logicConfig(config: unknown): unknown {
  return config instanceof Object && typeof config !== 'function' ? definitionOf(config) : undefined
}

// A copy of a machine config with every function replaced by its name: guards, actions and
// invoke inputs are code an inspector has no need to call. Not frozen: Stately's inspector
// rewrites the definition it is given, and a copy is its to change.
function definitionOf(config: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (typeof config === 'function') return `[function ${config.name || 'anonymous'}]`
  if (typeof config !== 'object' || config === null) return config
  if (seen.has(config)) return seen.get(config)
  const out: Record<string, unknown> | unknown[] = Array.isArray(config) ? [] : {}
  seen.set(config, out)
  for (const [key, item] of Object.entries(config)) (out as Record<string, unknown>)[key] = definitionOf(item, seen)
  return out
}

const SNAPSHOT_METHODS = new Set(['matches', 'hasTag', 'toJSON', 'getMeta'])
