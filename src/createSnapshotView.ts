import type { AuthContext } from '../machines/AuthContext.js'
import type { AuthSnapshot, AuthStatus } from './AuthSnapshot.js'

/**
 * The public snapshot, derived from the chart's. It is the same object until status, session,
 * user or error change, so `useSyncExternalStore` and `subscribe` listeners see no churn from
 * the chart's internal steps (its 5 s expiry checks re-enter `authenticated`).
 *
 * @example
 * const getSnapshot = createSnapshotView(() => actor.getSnapshot())
 * getSnapshot() === getSnapshot() // true until something a user can see changes
 */
export function createSnapshotView(read: () => { value: unknown; context: AuthContext }): () => AuthSnapshot {
  let last: AuthSnapshot | null = null
  return () => {
    const { value, context } = read()
    const status = (typeof value === 'string' ? value : Object.keys(value as object)[0]) as AuthStatus
    if (
      last &&
      last.status === status &&
      last.session === context.session &&
      last.user === context.user &&
      last.error === context.error
    ) {
      return last
    }
    last = {
      status,
      session: context.session,
      user: context.user,
      claims: context.session?.claims ?? null,
      error: context.error,
    }
    return last
  }
}
