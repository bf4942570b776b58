export interface AuthFetchDeps {
  client: { getToken(): Promise<string>; refresh(options: { force: boolean }): Promise<unknown> }
  /** The fetch to send with; `globalThis.fetch` (read at each call, so a test's stub is seen) if unset. */
  fetch: typeof globalThis.fetch | undefined
  clock: { now(): number }
  /** Told once per origin that a call went out without the bearer. */
  logger: { warn(message: string): void }
  /** Origins besides the page's that get the bearer. */
  origins: readonly string[]
  /** The least time between two forced refreshes started by 401 answers, in ms. */
  refreshCooldown: number
}

interface LocationLike {
  origin?: string
  href?: string
}

function pageLocation(): LocationLike | null {
  const location = (globalThis as { location?: LocationLike }).location
  return location?.origin && location.origin !== 'null' ? location : null
}

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input
  if (input instanceof URL) return input.href
  return input.url
}

/**
 * Whether a request to `input` may carry the bearer: in a page, only to the page's origin and the
 * listed ones; where there is no page origin (Node, a worker without a location), to every origin
 * unless some are listed.
 */
function mayCarryToken(input: RequestInfo | URL, origins: ReadonlySet<string>): { allowed: boolean; origin: string } {
  const page = pageLocation()
  let origin: string
  try {
    origin = new URL(urlOf(input), page?.href).origin
  } catch {
    // Not a URL fetch could send anywhere either; let fetch itself report it, without the token.
    return { allowed: false, origin: urlOf(input) }
  }
  if (page) return { allowed: origin === page.origin || origins.has(origin), origin }
  return { allowed: origins.size === 0 || origins.has(origin), origin }
}

/**
 * Builds `auth.fetch`: the bearer comes from `getToken()` and goes only to origins that may have
 * it; a 401 leads to one forced refresh and one retry, and a second 401 is returned to the caller,
 * never looped on. 401s that arrive together share one forced refresh, and a 401 within
 * `refreshCooldown` of the last forced refresh is returned as it is.
 *
 * @example
 * const authFetch = createAuthFetch({ client: auth, fetch: undefined, clock: defaultClock, logger: console,
 *   origins: ['https://api.example.com'], refreshCooldown: 10_000 })
 * const res = await authFetch('/api/pay', { method: 'POST' })
 */
export function createAuthFetch(deps: AuthFetchDeps) {
  const origins = new Set(deps.origins.map((o) => new URL(o).origin))
  const warned = new Set<string>()
  let forcing: Promise<unknown> | null = null
  let lastForcedAt = Number.NEGATIVE_INFINITY

  const send = (input: RequestInfo | URL, init: RequestInit | undefined, token: string | null) => {
    const base = input instanceof Request ? input.clone() : input
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    if (token !== null) headers.set('Authorization', `Bearer ${token}`)
    return (deps.fetch ?? globalThis.fetch)(base, { ...init, headers })
  }

  // One forced refresh for the 401s that arrive while it runs; none again within the cooldown.
  const forceRefresh = (): Promise<unknown> | null => {
    if (forcing) return forcing
    if (deps.clock.now() - lastForcedAt < deps.refreshCooldown) return null
    lastForcedAt = deps.clock.now()
    const started = deps.client.refresh({ force: true })
    forcing = started.finally(() => {
      forcing = null
    })
    return forcing
  }

  return async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const { allowed, origin } = mayCarryToken(input, origins)
    if (!allowed) {
      if (!warned.has(origin)) {
        warned.add(origin)
        deps.logger.warn(
          `auth.fetch sent a request to ${origin} without the bearer token: only the page's origin and ` +
            '`authFetch.origins` get it',
        )
      }
      return send(input, init, null)
    }
    const token = await deps.client.getToken()
    const response = await send(input, init, token)
    if (response.status !== 401) return response
    let next = await deps.client.getToken()
    // If the chart already moved on to a newer token while the request was out, that token is
    // the retry; otherwise the server disowned the one we hold, so force a new one.
    if (next === token) {
      const refreshing = forceRefresh()
      if (refreshing === null) return response
      try {
        await refreshing
      } catch {
        // The refresh failure is already state and an `error` event; the caller gets the 401.
        return response
      }
      next = await deps.client.getToken()
    }
    return send(input, init, next)
  }
}
