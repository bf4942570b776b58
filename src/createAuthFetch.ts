export interface AuthFetchDeps {
  getToken(): Promise<string>
  refresh(options: { force: boolean }): Promise<unknown>
  fetch(): typeof globalThis.fetch
}

/**
 * Builds `auth.fetch`: the bearer comes from `getToken()`; a 401 leads to one forced refresh
 * and one retry, and a second 401 is returned to the caller, never looped on.
 *
 * @example
 * const authFetch = createAuthFetch({ getToken, refresh, fetch: () => globalThis.fetch })
 * const res = await authFetch('/api/pay', { method: 'POST' })
 */
export function createAuthFetch(deps: AuthFetchDeps) {
  const send = (input: RequestInfo | URL, init: RequestInit | undefined, token: string) => {
    const base = input instanceof Request ? input.clone() : input
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    headers.set('Authorization', `Bearer ${token}`)
    return deps.fetch()(base, { ...init, headers })
  }

  return async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const token = await deps.getToken()
    const response = await send(input, init, token)
    if (response.status !== 401) return response
    let next = await deps.getToken()
    // If the chart already moved on to a newer token while the request was out, that token is
    // the retry; otherwise the server disowned the one we hold, so force a new one.
    if (next === token) {
      try {
        await deps.refresh({ force: true })
      } catch {
        // The refresh failure is already state and an `error` event; the caller gets the 401.
        return response
      }
      next = await deps.getToken()
    }
    return send(input, init, next)
  }
}
