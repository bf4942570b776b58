import type { AuthSnapshot } from 'authchart'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import { serverSnapshot } from './serverSnapshot.js'
import { useAuthClient } from './useAuthClient.js'

interface Memo<T> {
  snapshot: AuthSnapshot
  selector: (snapshot: AuthSnapshot) => T
  selection: T
}

/**
 * Returns `selector(snapshot)` and re-renders the component only when that value changes by
 * `compare` (default `Object.is`). A component that selects `status` does not re-render when a
 * refresh replaces the token.
 *
 * Built on React's `useSyncExternalStore` over `client.subscribe`, which already fires only when
 * `status`, `session`, `user` or `error` change; the chart's internal steps (its 5 s expiry
 * checks, retry counters) never reach React.
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
  const memo = useRef<Memo<T> | null>(null)
  const subscribe = useCallback((onChange: () => void) => client.subscribe(onChange), [client])

  // useSyncExternalStore needs the same value for the same snapshot, or it re-renders forever;
  // a selector that builds an object would break that, so keep the previous selection whenever
  // it still compares equal. This is what useSyncExternalStoreWithSelector does, in a few lines.
  const select = (snapshot: AuthSnapshot): T => {
    const last = memo.current
    if (last !== null && last.snapshot === snapshot && last.selector === selector) return last.selection
    const next = selector(snapshot)
    const selection = last !== null && compare(last.selection, next) ? last.selection : next
    memo.current = { snapshot, selector, selection }
    return selection
  }

  return useSyncExternalStore(
    subscribe,
    () => select(client.getSnapshot()),
    () => select(serverSnapshot),
  )
}
