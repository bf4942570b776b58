import type {
  ClerkAPIError,
  ClerkAPIResponseError,
  GetToken,
  GetTokenOptions,
  SessionStatus,
  SignOut,
  SignOutCallback,
  SignOutOptions,
  UnsubscribeCallback,
} from '@clerk/types'
import type { ClerkEmission, ClerkLike, ClerkSessionLike } from 'authchart/clerk'
import type { FakeClock } from 'authchart/testing'

/**
 * A fake Clerk with Clerk's cache semantics, for tests of `authchart/clerk`:
 * - `getToken()` answers from a per-(template, organisation) cache while the cached token has
 *   more than `leewayInSeconds` (default 10) + 5 s left, as clerk-js's token cache does; only a
 *   `skipCache` fetch or an expired entry mints a new token;
 * - a backend change (metadata, active organisation) reaches newly minted tokens only after
 *   `propagationDelayMs`; the session resource (`session.user.publicMetadata`,
 *   `lastActiveOrganizationId`) only changes on `reload()`, which also re-hydrates the session
 *   token's cache entry (clerk-js does this with the session's `last_active_token`);
 * - template tokens take the organisation from the server's session, the session token from the
 *   client's `lastActiveOrganizationId` (clerk-js sends it as `organizationId`).
 */

export type ClaimsData = {
  userId: string
  sessionId: string
  organizationId: string | null
  publicMetadata: Record<string, unknown>
}

export type ClaimsTemplate = (data: ClaimsData) => Record<string, unknown>

export type FakeClerkFailure = 'network' | 401 | 403 | 404 | 429 | 500 | 503 | { status: number; code: string }

export interface FakeClerkOptions {
  clock: FakeClock
  /** Token lifetime in seconds. Clerk's session tokens live 60 s. */
  tokenTtlSeconds?: number
  /** How long a backend change takes to reach newly minted tokens and reloads, in ms. */
  propagationDelayMs?: number
  /** Latency of every network call (token mint, reload, sign-out, setActive), in ms. */
  latencyMs?: number
  /** Clerk's clock minus the device's, in ms (a device clock that is off). */
  serverClockOffsetMs?: number
  /** Claims of the session token (no template). */
  sessionClaims?: ClaimsTemplate
  /** JWT templates by name. */
  templates?: Record<string, ClaimsTemplate>
  /** Start signed in as this user (default `user_1`), or signed out with `null`. */
  userId?: string | null
  /** Start loaded (default) or still loading, as `@clerk/nextjs` hands Clerk out. */
  loaded?: boolean
}

/** The fake's session: the typed surface the adapter uses, members typed by `@clerk/types`. */
export interface FakeClerkSession extends ClerkSessionLike {
  status: SessionStatus
  getToken: GetToken
  user: { id: string; primaryEmailAddress: { emailAddress: string } | null; publicMetadata: Record<string, unknown> }
}

/** The error clerk-js throws for a Frontend API error response. */
export class FakeClerkAPIResponseError extends Error implements ClerkAPIResponseError {
  readonly clerkError = true as const
  readonly status: number
  readonly errors: ClerkAPIError[]
  readonly retryAfter: number | undefined

  constructor(status: number, code: string, retryAfter?: number) {
    super(`Clerk API error ${status} (${code})`)
    this.name = 'ClerkAPIResponseError'
    this.status = status
    this.errors = [{ code, message: code }]
    this.retryAfter = retryAfter
  }
}

/** The error clerk-js throws when the network is down. */
export class FakeClerkRuntimeError extends Error {
  readonly code = 'network_error'
}

type Versioned<T> = Array<{ visibleAt: number; value: T }>

function base64url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Decodes a JWT payload without checks, as Next.js middleware would read `sessionClaims`.
 *
 * @example
 * decodePayload(await session.getToken()).metadata // { activeOrgId: 'org_1' }
 */
export function decodePayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
}

const defaultSessionClaims: ClaimsTemplate = (d) => ({
  ...(d.organizationId === null ? {} : { org_id: d.organizationId }),
  metadata: d.publicMetadata,
})

const defaultTemplates: Record<string, ClaimsTemplate> = {
  supabase: (d) => ({ role: 'authenticated', metadata: d.publicMetadata }),
}

/**
 * Creates a fake Clerk driven by a fake clock.
 *
 * @example
 * const clerk = createFakeClerk({ clock, propagationDelayMs: 800 })
 * clerk.backend.updateUserMetadata({ activeOrgId: 'org_1' }) // reaches tokens 800 ms later
 */
export function createFakeClerk(options: FakeClerkOptions) {
  const { clock } = options
  const ttl = options.tokenTtlSeconds ?? 60
  const delay = options.propagationDelayMs ?? 0
  const latency = options.latencyMs ?? 0
  const sessionClaims = options.sessionClaims ?? defaultSessionClaims
  const templates = options.templates ?? defaultTemplates
  const listeners = new Set<(emission: ClerkEmission) => void>()
  const failures: Record<'mint' | 'reload' | 'signOut', FakeClerkFailure[]> = { mint: [], reload: [], signOut: [] }
  const rawAnswers: unknown[] = []
  const calls = { getToken: 0, mint: 0, reload: 0, signOut: 0 }
  const serverNow = () => clock.now() + (options.serverClockOffsetMs ?? 0)
  let serial = 0

  const metadata = new Map<string, Versioned<Record<string, unknown>>>()
  let serverOrganization: Versioned<string | null> = [{ visibleAt: 0, value: null }]
  const visible = <T>(versions: Versioned<T>): T => {
    let value = versions[0]?.value as T
    for (const version of versions) if (version.visibleAt <= clock.now()) value = version.value
    return value
  }
  const metadataOf = (userId: string) => visible(metadata.get(userId) ?? [{ visibleAt: 0, value: {} }])

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) queueMicrotask(resolve)
      else clock.setTimeout(resolve, ms)
    })

  const network = async (op: 'mint' | 'reload' | 'signOut') => {
    await sleep(latency)
    const failure = failures[op].shift()
    if (failure === undefined) return
    if (failure === 'network') throw new FakeClerkRuntimeError('Network request failed')
    if (typeof failure === 'object') throw new FakeClerkAPIResponseError(failure.status, failure.code)
    const code = failure === 401 ? 'authentication_invalid' : failure === 404 ? 'resource_not_found' : 'server_error'
    throw new FakeClerkAPIResponseError(failure, code, failure === 429 ? 2 : undefined)
  }

  let loaded = options.loaded ?? true
  let current: FakeClerkSession | null = null

  const emit = () => {
    if (!loaded) return
    for (const listener of [...listeners]) listener({ session: current })
  }

  const createSession = (userId: string): FakeClerkSession => {
    serial += 1
    const sessionId = `sess_${serial}`
    // Cache entries: token, when it arrived on this device, and its lifetime.
    const cache = new Map<string, { token: string; receivedAt: number }>()
    const mint = (template: string | undefined, organizationId: string | null) => {
      serial += 1
      const claimsOf = template === undefined ? sessionClaims : templates[template]
      if (!claimsOf) throw new FakeClerkAPIResponseError(404, 'resource_not_found')
      const iat = Math.floor(serverNow() / 1000)
      const data = { userId, sessionId, organizationId, publicMetadata: metadataOf(userId) }
      const payload = {
        ...claimsOf(data),
        iss: 'https://clerk.example.test',
        sub: userId,
        sid: sessionId,
        iat,
        nbf: iat,
        exp: iat + ttl,
        jti: `jwt_${serial}`,
      }
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`
    }

    const session: FakeClerkSession = {
      id: sessionId,
      status: 'active',
      lastActiveOrganizationId: visible(serverOrganization),
      user: {
        id: userId,
        primaryEmailAddress: { emailAddress: `${userId}@example.com` },
        publicMetadata: metadataOf(userId),
      },
      getToken: async (getTokenOptions?: GetTokenOptions) => {
        calls.getToken += 1
        const raw = rawAnswers.shift()
        if (raw !== undefined) return raw as string | null
        if (session.status !== 'active') return null
        const template = getTokenOptions?.template
        const clientOrganization = getTokenOptions?.organizationId ?? session.lastActiveOrganizationId
        const key = `${template ?? ''}|${clientOrganization ?? ''}`
        const leeway = ((getTokenOptions?.leewayInSeconds ?? 10) + 5) * 1000
        const cached = cache.get(key)
        if (!getTokenOptions?.skipCache && cached && cached.receivedAt + ttl * 1000 - clock.now() > leeway) {
          return cached.token
        }
        calls.mint += 1
        await network('mint')
        if (session.status !== 'active') return null
        const organizationId = template === undefined ? clientOrganization : visible(serverOrganization)
        const token = mint(template, organizationId)
        cache.set(key, { token, receivedAt: clock.now() })
        return token
      },
      reload: async () => {
        calls.reload += 1
        await network('reload')
        session.user.publicMetadata = metadataOf(userId)
        session.lastActiveOrganizationId = visible(serverOrganization)
        const organizationId = session.lastActiveOrganizationId
        cache.set(`|${organizationId ?? ''}`, { token: mint(undefined, organizationId), receivedAt: clock.now() })
        return session
      },
    }
    return session
  }

  const endSession = () => {
    if (current) current.status = 'ended'
    current = null
    emit()
  }

  const signOut: SignOut = async (first?: SignOutCallback | SignOutOptions, second?: SignOutOptions) => {
    calls.signOut += 1
    await network('signOut')
    const target = typeof first === 'function' ? second : first
    if (target?.sessionId === undefined || target.sessionId === current?.id) endSession()
    if (typeof first === 'function') await first()
  }

  const initialUser = options.userId === undefined ? 'user_1' : options.userId
  if (initialUser !== null) current = createSession(initialUser)

  const clerk = {
    get loaded() {
      return loaded
    },
    get session() {
      return loaded ? current : undefined
    },
    signOut,
    addListener(callback: (emission: ClerkEmission) => void): UnsubscribeCallback {
      listeners.add(callback)
      // clerk-js calls a new listener at once when it has loaded.
      if (loaded) callback({ session: current })
      return () => {
        listeners.delete(callback)
      }
    },
  } satisfies ClerkLike

  return {
    clerk,
    calls,
    /** How many listeners are attached. */
    get listenerCount() {
      return listeners.size
    },
    /** The current session, for the test's own naive calls (as the app in the seed made them). */
    get session() {
      return current
    },
    /** Finishes loading, as clerk-js does after `Clerk.load()`. */
    load() {
      loaded = true
      emit()
    },
    /** Scripts the next network calls of `op` to fail. */
    failNext(op: 'mint' | 'reload' | 'signOut', ...next: FakeClerkFailure[]) {
      failures[op].push(...next)
    },
    /** The next `getToken` calls resolve with these raw values, to test parsing. */
    answerNext(...values: unknown[]) {
      rawAnswers.push(...values)
    },
    /** Clerk's `setActive({ organization })` in this tab. */
    async setActiveOrganization(organizationId: string | null) {
      await sleep(latency)
      serverOrganization = [...serverOrganization, { visibleAt: clock.now(), value: organizationId }]
      if (current) current.lastActiveOrganizationId = organizationId
      emit()
    },
    /** A user signs in through Clerk's components in this tab. */
    signInAs(userId: string) {
      if (current) current.status = 'ended'
      current = createSession(userId)
      emit()
    },
    /** Another tab of the same browser signed out; Clerk syncs this tab and emits. */
    otherTabSignsOut() {
      endSession()
    },
    /** Marks the session pending (a session task is open) and emits. */
    makePending() {
      if (current) current.status = 'pending'
      emit()
    },
    /** The app's server, with Clerk's Backend API. */
    backend: {
      /**
       * `clerkClient.sessions.revokeSession(id)`: the session is revoked on Clerk's servers.
       * This tab's Clerk still holds it (until it syncs) and gets no more tokens for it.
       */
      revokeSession() {
        if (current) current.status = 'revoked'
      },
      /** `clerkClient.users.updateUserMetadata(userId, { publicMetadata })`. */
      updateUserMetadata(patch: Record<string, unknown>, userId = current?.user.id ?? 'user_1') {
        const versions = metadata.get(userId) ?? [{ visibleAt: 0, value: {} }]
        const next = { ...versions[versions.length - 1]?.value, ...patch }
        metadata.set(userId, [...versions, { visibleAt: clock.now() + delay, value: next }])
      },
      /** Sets the session's active organisation on the server (e.g. right after creating it). */
      setActiveOrganization(organizationId: string | null) {
        serverOrganization = [...serverOrganization, { visibleAt: clock.now() + delay, value: organizationId }]
      },
    },
  }
}

export type FakeClerk = ReturnType<typeof createFakeClerk>
