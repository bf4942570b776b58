import type { AuthClient, AuthSnapshot } from 'authchart'

/**
 * Calls `listener(value, previous)` each time `selector(snapshot)` changes by `compare` (default
 * `Object.is`), and never otherwise: not at once, not when only an unselected field changed.
 * Returns the function that stops watching.
 *
 * @example
 * const unwatch = watch(auth, (s) => s.status, (status) => {
 *   document.body.dataset.auth = status
 * })
 */
export function watch<T>(
  client: Pick<AuthClient, 'getSnapshot' | 'subscribe'>,
  selector: (snapshot: AuthSnapshot) => T,
  listener: (value: T, previous: T) => void,
  compare: (a: T, b: T) => boolean = Object.is,
): () => void {
  let current = selector(client.getSnapshot())
  return client.subscribe((snapshot) => {
    const next = selector(snapshot)
    if (compare(current, next)) return
    const previous = current
    // Updated before the listener runs, so a listener that causes another change is compared
    // against what it was told, not against an older value.
    current = next
    listener(next, previous)
  })
}
