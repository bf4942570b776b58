import type { SessionInfo } from './AuthSnapshot.js'
import type { Session } from './Session.js'

/**
 * A deep copy of plain data, frozen, so that what leaves the chart cannot be changed to change
 * the chart, nor hold a reference into its context.
 *
 * @example
 * const claims = frozenCopy(session.claims)
 * Object.isFrozen(claims) // true
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {}
  for (const [key, item] of Object.entries(value)) (copy as Record<string, unknown>)[key] = frozenCopy(item)
  return Object.freeze(copy) as T
}

/**
 * The token-free, frozen view of a session that snapshots, `signIn()` and `refresh()` hand out.
 *
 * @example
 * const info = toSessionInfo(session) // { user, claims, expiresAt, refreshable }, no tokens
 */
export function toSessionInfo(session: Session): SessionInfo {
  return Object.freeze({
    user: frozenCopy(session.user),
    claims: frozenCopy(session.claims),
    expiresAt: session.expiresAt,
    refreshable: session.refreshToken !== undefined,
  })
}
