import { redactTokens } from './errors.js'

const SECRET_KEYS = new Set(['accessToken', 'refreshToken', 'access_token', 'refresh_token', 'token'])

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
    copy[key] = SECRET_KEYS.has(key) && typeof item === 'string' ? '[redacted]' : redactForInspection(item, seen)
  }
  return copy as T
}
