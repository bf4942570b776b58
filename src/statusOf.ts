import type { AuthStatus } from './AuthSnapshot.js'

/** A chart snapshot's state value: the `session` region's, beside the `network` region's. */
interface ChartValue {
  value: unknown
}

/**
 * The one mapping from the chart's state to the public status: the top-level state of the chart's
 * `session` region. Everything else `src/` needs from the chart's structure it reads from state
 * tags (`token.untilDue`, `token.checkWhenDue`, `token.untilExpiry`), never from sub-state names.
 *
 * @example
 * statusOf(actor.getSnapshot()) // 'authenticated'
 */
export function statusOf(snapshot: ChartValue): AuthStatus {
  const session = (snapshot.value as { session: AuthStatus | Partial<Record<AuthStatus, unknown>> }).session
  return (typeof session === 'string' ? session : Object.keys(session)[0]) as AuthStatus
}
