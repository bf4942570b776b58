import type { TabLocks } from './TabTransport.js'

/**
 * A lock that only excludes callers in this JavaScript realm: the fallback where the platform
 * has no Web Locks. Clients of one page still take turns; separate tabs do not (see
 * docs/cross-tab.md for what that weakens).
 *
 * @example
 * const locks = createInTabLocks()
 * await locks.request('refresh', {}, async () => refresh())
 */
export function createInTabLocks(): TabLocks {
  const tails = new Map<string, Promise<unknown>>()
  return {
    request(name, { signal }, callback) {
      const previous = tails.get(name) ?? Promise.resolve()
      const run = previous.then(() => {
        // Stryker disable next-line OptionalChaining: equivalent, the client always passes a signal
        if (signal?.aborted) throw signal.reason
        return callback()
      })
      // The next caller waits for this one to finish, whatever its outcome; the outcome itself
      // goes to this caller through `run`.
      const settled = run.then(
        () => undefined,
        () => undefined,
      )
      tails.set(name, settled)
      // Stryker disable next-line BlockStatement: equivalent, keeping a settled tail only holds memory
      void settled.then(() => {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent through the client, which never has a second caller queued when a tail settles
        if (tails.get(name) === settled) tails.delete(name)
      })
      return run
    },
  }
}
