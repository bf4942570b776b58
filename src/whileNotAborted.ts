/**
 * Runs `start` unless `signal` is already aborted, and rejects with the abort reason as soon as
 * it aborts: the caller stops waiting even when the work ignores its signal. For adapters whose
 * SDK takes no `AbortSignal` (supabase-js, Clerk): the request may still finish, its answer is
 * dropped, and the chart never adopts a session from an aborted call. The one abort race of
 * authchart: the core uses it for the refresh lock, and adapters import it from `authchart`.
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
