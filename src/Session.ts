import * as z from 'zod/mini'

/** The user of a session. `id` is required; adapters add what their backend knows. */
export interface AuthUser {
  id: string
  email?: string | undefined
  [key: string]: unknown
}

/**
 * The decoded claims of the session: the access token's, or the ID token's when the session has
 * one (OIDC). Not verified unless the adapter verifies them.
 */
export interface Claims {
  sub?: string
  exp?: number
  iat?: number
  [key: string]: unknown
}

/**
 * A session as the chart holds it: parsed, with its claims decoded once when it arrived.
 * Nothing on the hot path re-decodes or re-reads it.
 */
export interface Session {
  accessToken: string
  refreshToken?: string | undefined
  /**
   * The OpenID Connect ID token, when the backend issued one. Its claims are the session's
   * `claims`, and the access token may then be opaque. Kept for RP-initiated logout.
   */
  idToken?: string | undefined
  /** Milliseconds since the epoch, on the client's clock. */
  expiresAt: number
  user: AuthUser
  claims: Claims
}

/** What an adapter's `signIn`, `refresh` and `restore` resolve to. */
export interface SessionInput {
  accessToken: string
  refreshToken?: string | undefined
  /** An OIDC ID token: with one, claims come from it and the access token may be opaque. */
  idToken?: string | undefined
  /** Milliseconds since the epoch; taken from the access token's `exp` claim when missing. */
  expiresAt?: number | undefined
  user?: AuthUser | undefined
}

export const userSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  email: z.optional(z.string()),
})

export const claimsSchema = z.looseObject({
  sub: z.optional(z.string()),
  exp: z.optional(z.number()),
  iat: z.optional(z.number()),
})

export const sessionInputSchema = z.object({
  accessToken: z.string().check(z.minLength(1, 'access token is missing or empty')),
  refreshToken: z.optional(z.string().check(z.minLength(1))),
  idToken: z.optional(z.string().check(z.minLength(1))),
  expiresAt: z.optional(z.number().check(z.positive())),
  user: z.optional(userSchema),
})
