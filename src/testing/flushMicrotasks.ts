/**
 * Resolves once every queued microtask (and every promise chain they start) has run. It yields
 * one macrotask turn and advances no time, so it is no sleep: fake time stays where it is.
 *
 * @example
 * auth.start()
 * await flushMicrotasks() // the restore has settled
 */
export function flushMicrotasks(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown }
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate
    return new Promise((resolve) => {
      setImmediate(resolve)
    })
  }
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}
