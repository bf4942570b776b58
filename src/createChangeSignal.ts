/** Something that reports each change (an XState actor). */
interface Observable {
  subscribe(observer: { next(): void; error(): void; complete(): void }): unknown
}

/**
 * One shared promise for "the chart moved": a thousand waiting `getToken()` calls cost one
 * subscription, not a thousand. The promise settles on the next snapshot, an error or a stop.
 *
 * @example
 * const nextChange = createChangeSignal(actor)
 * while (!ready(actor.getSnapshot())) await nextChange()
 */
export function createChangeSignal(source: Observable): () => Promise<void> {
  let change: { promise: Promise<void>; resolve(): void } | null = null
  const wake = () => {
    const current = change
    change = null
    current?.resolve()
  }
  source.subscribe({ next: wake, error: wake, complete: wake })
  return () => {
    if (change === null) {
      let resolve!: () => void
      const promise = new Promise<void>((r) => {
        resolve = r
      })
      change = { promise, resolve }
    }
    return change.promise
  }
}
