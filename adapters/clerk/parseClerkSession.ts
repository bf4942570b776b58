import { type AuthUser, decodeClaims, InvalidSessionError } from 'authchart'
import * as z from 'zod/mini'

const clerkUserSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  primaryEmailAddress: z.optional(z.nullable(z.looseObject({ emailAddress: z.string() }))),
})

const clerkSessionSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  lastActiveOrganizationId: z.optional(z.nullable(z.string())),
  user: z.nullable(clerkUserSchema),
})

/** What the adapter reads from `clerk.session`, checked. */
export interface ClerkSessionData {
  id: string
  status: string
  organizationId: string | null
  user: AuthUser | null
}

/** What the adapter reads from a Clerk token, checked. */
export interface ClerkTokenData {
  token: string
  /** Seconds since the epoch, on Clerk's clock. */
  iat: number
  /** Seconds since the epoch, on Clerk's clock. */
  exp: number
}

function invalid(what: string, error: z.core.$ZodError): InvalidSessionError {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined
  const detail = issue ? `${field === undefined ? '' : `${field}: `}${issue.message}` : 'invalid'
  return new InvalidSessionError(`${what} is invalid (${detail})`, { field, cause: error })
}

/**
 * Checks the fields of a Clerk session the adapter relies on. Values are never copied into the
 * error message. Throws {@link InvalidSessionError} naming the field.
 *
 * @example
 * parseClerkSession(clerk.session) // { id: 'sess_1', status: 'active', organizationId: null, user: { id: 'user_1' } }
 */
export function parseClerkSession(value: unknown): ClerkSessionData {
  const parsed = clerkSessionSchema.safeParse(value)
  if (!parsed.success) throw invalid('Clerk session', parsed.error)
  const { id, status, lastActiveOrganizationId, user } = parsed.data
  const email = user?.primaryEmailAddress?.emailAddress
  return {
    id,
    status,
    organizationId: lastActiveOrganizationId ?? null,
    user: user === null ? null : email === undefined ? { id: user.id } : { id: user.id, email },
  }
}

/**
 * Checks what `session.getToken()` resolved to: `null` (Clerk has no session) or a JWT with
 * `iat` and `exp`, which the adapter needs to place a cached token's expiry on the client's clock.
 *
 * @example
 * parseClerkToken(await session.getToken({ template: 'supabase' })) // { token, iat, exp } or null
 */
export function parseClerkToken(value: unknown): ClerkTokenData | null {
  const parsed = z.nullable(z.string().check(z.minLength(1))).safeParse(value)
  if (!parsed.success) throw invalid('Clerk getToken() result', parsed.error)
  if (parsed.data === null) return null
  const claims = decodeClaims(parsed.data)
  if (claims.iat === undefined || claims.exp === undefined || claims.exp <= claims.iat) {
    throw new InvalidSessionError('Clerk token has no valid iat/exp claims', { field: 'accessToken' })
  }
  return { token: parsed.data, iat: claims.iat, exp: claims.exp }
}

/**
 * What identifies a Clerk session for the chart: the same key means the same token would do; a
 * new status, user or organisation means a new token is needed.
 *
 * @example
 * if (sessionKeyOf(next) !== sessionKeyOf(previous)) fetchFreshToken()
 */
export function sessionKeyOf(data: ClerkSessionData): string {
  return `${data.id}|${data.status}|${data.user?.id ?? ''}|${data.organizationId ?? ''}`
}
