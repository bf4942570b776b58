import type { AuthContext } from '../machines/AuthContext.js'
import type { AuthSnapshot, AuthStatus } from './AuthSnapshot.js'
import { statusOf } from './statusOf.js'
import { frozenCopy, toSessionInfo } from './toSessionInfo.js'

/**
 * The public snapshot, derived from the chart's: token-free and frozen. It is the same object
 * until status, session, user or error change, so `useSyncExternalStore` and `subscribe`
 * listeners see no churn from the chart's internal steps (its 5 s expiry checks re-enter
 * `authenticated`), and the copies are made once per change, not per read.
 *
 * @example
 * const getSnapshot = createSnapshotView(() => actor.getSnapshot())
 * getSnapshot() === getSnapshot() // true until something a user can see changes
 */
export function createSnapshotView(read: () => { value: unknown; context: AuthContext }): () => AuthSnapshot {
  let last: AuthSnapshot | null = null
  let source: { status: AuthStatus; session: unknown; user: unknown; error: unknown } | null = null
  return () => {
    const { value, context } = read()
    const status = statusOf({ value })
    if (
      last &&
      source &&
      source.status === status &&
      source.session === context.session &&
      source.user === context.user &&
      source.error === context.error
    ) {
      return last
    }
    // The session's view is kept while the chart holds the same session, so a selector of
    // `s.session` does not re-render when only the status or the error changed.
    const session =
      context.session === source?.session && last
        ? last.session
        : context.session
          ? toSessionInfo(context.session)
          : null
    source = { status, session: context.session, user: context.user, error: context.error }
    last = Object.freeze({
      status,
      session,
      // Stryker disable next-line OptionalChaining,LogicalOperator: equivalent, `session` is null whenever `context.session` is; with `||`, a null session compares the user (null or an object, never undefined) to undefined and takes frozenCopy as `&&` does
      user: session && context.user === context.session?.user ? session.user : frozenCopy(context.user),
      claims: session?.claims ?? null,
      error: context.error,
    })
    return last
  }
}

/**
 * Calls `listener` with each new public snapshot: only when `getSnapshot` returns a different
 * object, so the chart's internal steps reach no one.
 *
 * @example
 * const unsubscribe = subscribeToView(actor, getSnapshot, (snapshot) => render(snapshot.status))
 */
export function subscribeToView(
  source: { subscribe(next: () => void): { unsubscribe(): void } },
  getSnapshot: () => AuthSnapshot,
  listener: (snapshot: AuthSnapshot) => void,
): () => void {
  let last = getSnapshot()
  const subscription = source.subscribe(() => {
    const next = getSnapshot()
    if (next === last) return
    last = next
    listener(next)
  })
  return () => subscription.unsubscribe()
}
