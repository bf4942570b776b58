import { redactTokens } from './errors.js'

const SECRET_KEYS = new Set([
  'accessToken',
  'refreshToken',
  'idToken',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'password',
])
// Replaced whole, whatever their shape: sign-in credentials may hold a password, an OTP or an id token.
const SECRET_OBJECTS = new Set(['credentials'])

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Copies plain objects and arrays with every token replaced: fields named like tokens, and any
 * string shaped like a JWT. Actor refs, errors and other class instances are kept as they are
 * (an error's message is already redacted when it is built).
 *
 * @example
 * redactForInspection({ session: { accessToken: 'eyJ...' } }) // { session: { accessToken: '[redacted]' } }
 */
export function redactForInspection<T>(value: T, seen = new WeakMap<object, unknown>()): T {
  if (typeof value === 'string') return redactTokens(value) as T
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return seen.get(value) as T
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    seen.set(value, copy)
    for (const item of value) copy.push(redactForInspection(item, seen))
    return copy as T
  }
  if (!isPlainObject(value)) return value
  const copy: Record<string, unknown> = {}
  seen.set(value, copy)
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      SECRET_OBJECTS.has(key) || (SECRET_KEYS.has(key) && typeof item === 'string')
        ? '[redacted]'
        : redactForInspection(item, seen)
  }
  return copy as T
}

/**
 * Redacts one XState inspection event: the event it carries, the snapshot's context, input and
 * output, and an action's params are copied with tokens replaced; everything else (actor refs,
 * transition definitions) is passed by reference, so inspectors that compare by identity keep
 * working.
 *
 * @example
 * createActor(machine, { inspect: (e) => inspector(redactInspectionEvent(e)) })
 */
export function redactInspectionEvent<T extends object>(event: T): T {
  const copy: Record<string, unknown> = { ...(event as Record<string, unknown>) }
  if ('event' in copy) copy.event = redactForInspection(copy.event)
  if ('action' in copy) copy.action = redactForInspection(copy.action)
  if (typeof copy.snapshot === 'object' && copy.snapshot !== null) copy.snapshot = redactSnapshot(copy.snapshot)
  // Inspectors (Stately's among them) read the actor's live snapshot later through the ref: hand
  // them a ref whose getSnapshot() is redacted too, everything else inherited from the real one.
  const ref = copy.actorRef as { getSnapshot?: () => unknown } | undefined
  if (ref && typeof ref.getSnapshot === 'function') {
    const read = ref.getSnapshot.bind(ref)
    copy.actorRef = Object.create(ref, { getSnapshot: { value: () => redactSnapshot(read()) } })
  }
  return copy as T
}

function redactSnapshot(snapshot: unknown): unknown {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot
  const redacted: Record<string, unknown> = { ...snapshot }
  for (const key of ['context', 'input', 'output', 'error'] as const) {
    if (key in redacted) redacted[key] = redactForInspection(redacted[key])
  }
  return redacted
}
