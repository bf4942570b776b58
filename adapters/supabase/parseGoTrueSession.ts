import { type AuthUser, InvalidSessionError, type SessionInput } from 'authchart'
import * as z from 'zod/mini'

const userSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  email: z.optional(z.nullable(z.string())),
  phone: z.optional(z.nullable(z.string())),
  role: z.optional(z.nullable(z.string())),
  app_metadata: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  user_metadata: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
})

const sessionSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.string().check(z.minLength(1)),
  expires_in: z.optional(z.number().check(z.positive())),
  expires_at: z.optional(z.number().check(z.positive())),
  user: userSchema,
})

/** The subset of a GoTrue user that authchart keeps on `snapshot.user`. */
export type SupabaseUser = AuthUser & {
  phone?: string
  role?: string
  app_metadata?: Record<string, unknown>
  user_metadata?: Record<string, unknown>
}

// Zod's issue paths name the field but never copy the value, so a token cannot reach the message.
function invalid(what: string, error: z.core.$ZodError): InvalidSessionError {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined
  return new InvalidSessionError(`${what} is invalid (${field ?? 'shape'}: ${issue?.message ?? 'invalid'})`, {
    field,
    cause: error,
  })
}

/**
 * Parses a GoTrue user (`/auth/v1/user`, or the `user` of a session) into an authchart user.
 * Throws {@link InvalidSessionError} naming the bad field.
 *
 * @example
 * const user = parseGoTrueUser(data.user, 'getUser response') // { id, email, role, ... }
 */
export function parseGoTrueUser(raw: unknown, what: string): SupabaseUser {
  const parsed = userSchema.safeParse(raw)
  if (!parsed.success) throw invalid(what, parsed.error)
  const { id, email, phone, role, app_metadata, user_metadata } = parsed.data
  const user: SupabaseUser = { id }
  if (email) user.email = email
  if (phone) user.phone = phone
  if (role) user.role = role
  if (app_metadata) user.app_metadata = app_metadata
  if (user_metadata) user.user_metadata = user_metadata
  return user
}

/**
 * Parses a GoTrue session (a `/token` answer, or `data.session` of supabase-js) into what an
 * authchart adapter returns. `expires_in` is counted from `receivedAt` on the client's clock, so
 * a device clock that disagrees with the server cannot make the token look expired (see
 * docs/client.md, "Expiry: `expiresAt` if the adapter gives it"). Without `receivedAt` (a session read back
 * from storage) or without `expires_in`, `expires_at` is used.
 *
 * @example
 * const session = parseGoTrueSession(await res.json(), 'refresh response', clock.now())
 * session.expiresAt // clock.now() + expires_in * 1000
 */
export function parseGoTrueSession(raw: unknown, what: string, receivedAt: number | undefined): SessionInput {
  if (raw === null || raw === undefined) {
    throw new InvalidSessionError(`${what} has no session`, { field: 'session' })
  }
  const parsed = sessionSchema.safeParse(raw)
  if (!parsed.success) throw invalid(what, parsed.error)
  const { access_token, refresh_token, expires_in, expires_at } = parsed.data
  // A stored session's `expires_in` says nothing about now; only a fresh answer's does.
  const expiresAt =
    receivedAt !== undefined && expires_in !== undefined
      ? receivedAt + expires_in * 1000
      : expires_at !== undefined
        ? expires_at * 1000
        : undefined
  return {
    accessToken: access_token,
    refreshToken: refresh_token,
    expiresAt,
    user: parseGoTrueUser(parsed.data.user, `${what} user`),
  }
}
