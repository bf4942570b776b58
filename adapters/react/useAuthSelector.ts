import type { AuthClient, AuthSnapshot } from 'authchart'
import { useSelector } from '@xstate/react'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
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
 * Built on `@xstate/react`'s `useSelector` over the client's public, token-free snapshot (a
 * read-only source with the actor's `subscribe`/`getSnapshot` shape), never the chart's internal
 * one: that object is the same until `status`, `session`, `user` or `error` change, so the
 * chart's own steps (its 5 s expiry checks, retry counters) select the same value and never
 * re-render.
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
  const source = useMemo(() => publicSource(client), [client])
  return useSelector(source as unknown as Parameters<typeof useSelector>[0], select, compare)
}

// The public snapshot in the shape `useSelector` reads an actor through: `subscribe` takes an
// observer (`{ next }`, what @xstate/react passes) or a function, as an actor's does.
function publicSource(client: AuthClient) {
  return {
    getSnapshot: () => client.getSnapshot(),
    subscribe: (observer: (() => void) | { next?: () => void }) => ({
      unsubscribe: client.subscribe(() => (typeof observer === 'function' ? observer() : observer.next?.())),
    }),
  }
}
