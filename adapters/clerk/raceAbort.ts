/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts. Clerk's calls
 * take no signal, so this is how the adapter lets a sign-out abandon a refresh in flight; the
 * chart drops a late result anyway, but the caller is not kept waiting for it.
 *
 * @example
 * const token = await raceAbort(session.getToken({ skipCache: true }), signal)
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
