/**
 * Runs `start` unless `signal` is already aborted, and rejects with the abort reason as soon as
 * it aborts. supabase-js's auth methods take no `AbortSignal`, so the request may still finish;
 * its answer is dropped, and the chart never adopts a session from an aborted call.
 *
 * @example
 * const result = await whileNotAborted(signal, () => supabase.auth.getUser(jwt))
 */
export function whileNotAborted<T>(signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    const settle = () => signal.removeEventListener('abort', onAbort)
    start().then(
      (value) => {
        settle()
        resolve(value)
      },
      (error: unknown) => {
        settle()
        reject(error)
      },
    )
  })
}
