import type { AuthSnapshot } from 'authchart'
import { useSelector } from '@xstate/react'
import { useCallback, useSyncExternalStore } from 'react'
import { serverSnapshot } from './serverSnapshot.js'
import { useAuthClient } from './useAuthClient.js'

const noSubscription = () => () => undefined
const inBrowser = () => false
const onServerOrHydrating = () => true

/**
 * Returns `selector(snapshot)` and re-renders the component only when that value changes by
 * `compare` (default `Object.is`). A component that selects `status` does not re-render when a
 * refresh replaces the token.
 *
 * Built on `@xstate/react`'s `useSelector` over `client.actor`. The selector still sees the
 * public `AuthSnapshot` (`client.getSnapshot()`), never the chart's internal snapshot: that
 * object is the same until `status`, `session`, `user` or `error` change, so the chart's own
 * steps (its 5 s expiry checks, retry counters) select the same value and never re-render.
 *
 * @example
 * const status = useAuthSelector((s) => s.status)
 * const who = useAuthSelector(
 *   (s) => ({ id: s.user?.id, email: s.user?.email }),
 *   (a, b) => a.id === b.id && a.email === b.email,
 * )
 */
export function useAuthSelector<T>(
  selector: (snapshot: AuthSnapshot) => T,
  compare: (a: T, b: T) => boolean = Object.is,
): T {
  const client = useAuthClient()
  // useSelector gives React the actor's own snapshot as the server snapshot too, and that would
  // render the browser's real session during hydration: a mismatch with the server's HTML. This
  // flag is true on the server and while hydrating, false after, so both sides start from the
  // fixed `serverSnapshot` and React re-renders with the real state right after hydration.
  const hydrating = useSyncExternalStore(noSubscription, inBrowser, onServerOrHydrating)
  const select = useCallback(
    () => selector(hydrating ? serverSnapshot : client.getSnapshot()),
    [client, hydrating, selector],
  )
  return useSelector(client.actor, select, compare)
}
