import { decodeJwt } from 'jose'
import type * as z from 'zod/mini'
import { InvalidSessionError } from './errors.js'
import { type Claims, claimsSchema, type Session, sessionInputSchema } from './Session.js'

/**
 * Turns a zod failure into an {@link InvalidSessionError} naming the first bad field. Values are
 * never copied into the message, so a token cannot leak through it.
 */
export function toInvalidSessionError(what: string, error: z.core.$ZodError): InvalidSessionError {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined
  const detail = issue ? `${field === undefined ? '' : `${field}: `}${issue.message}` : 'invalid'
  return new InvalidSessionError(`${what} is invalid (${detail})`, { field, cause: error })
}

/**
 * Decodes a JWT's claims with jose and checks their shape. Called once per token, when it
 * arrives; never on the hot path.
 *
 * @example
 * const claims = decodeClaims(accessToken) // { sub: 'user-1', exp: 1767225600, ... }
 */
export function decodeClaims(accessToken: string, field: 'accessToken' | 'idToken' = 'accessToken'): Claims {
  const what = field === 'idToken' ? 'ID token' : 'access token'
  let raw: unknown
  try {
    raw = decodeJwt(accessToken)
  } catch (cause) {
    throw new InvalidSessionError(`${what} is not a well-formed JWT`, { field, cause })
  }
  const parsed = claimsSchema.safeParse(raw)
  if (!parsed.success) throw toInvalidSessionError(`${what} claims`, parsed.error)
  return parsed.data as Claims
}

// The last instant a JavaScript Date can represent (ECMA-262: 8.64e15 ms after the epoch).
const LATEST_DATE = 8.64e15

/**
 * Parses what an adapter or the store returned into a {@link Session}: checks the shape with
 * zod, decodes the claims, takes `expiresAt` from `exp` when it is missing, and the user from
 * `sub` when the adapter gave none. Throws {@link InvalidSessionError} naming the bad field.
 *
 * With an `idToken` (OIDC) the claims are the ID token's and the access token may be opaque, as
 * OAuth lets a provider make it; `expiresAt` must then be given, because the ID token's `exp`
 * says nothing about the access token's lifetime.
 *
 * @example
 * const session = parseSession({ accessToken: jwt, refreshToken: 'r1' })
 * session.expiresAt // exp * 1000
 */
export function parseSession(input: unknown, what = 'session'): Session {
  const parsed = sessionInputSchema.safeParse(input)
  if (!parsed.success) throw toInvalidSessionError(what, parsed.error)
  const { accessToken, refreshToken, idToken, user } = parsed.data
  const claims = idToken === undefined ? decodeClaims(accessToken) : decodeClaims(idToken, 'idToken')
  const tokenExp = idToken === undefined ? claims.exp : undefined
  const expiresAt = parsed.data.expiresAt ?? (tokenExp === undefined ? undefined : tokenExp * 1000)
  if (expiresAt === undefined) {
    throw new InvalidSessionError(`${what} has no expiresAt and its token has no exp claim`, {
      field: 'expiresAt',
    })
  }
  // `exp: 1e308` is a number, but times a thousand it is Infinity, which no clock reaches and
  // JSON stores as null; `exp: 1e300` is finite but past the last time a Date can hold; a
  // negative one is no time at all.
  if (!Number.isFinite(expiresAt) || expiresAt <= 0 || expiresAt > LATEST_DATE) {
    throw new InvalidSessionError(`${what} has an expiry that is not a time a clock can reach (${String(expiresAt)})`, {
      field: parsed.data.expiresAt === undefined ? 'accessToken.exp' : 'expiresAt',
    })
  }
  const sessionUser = user ?? (claims.sub === undefined ? undefined : { id: claims.sub })
  if (sessionUser === undefined) {
    throw new InvalidSessionError(`${what} has no user and its token has no sub claim`, {
      field: 'user',
    })
  }
  return idToken === undefined
    ? { accessToken, refreshToken, expiresAt, user: sessionUser, claims }
    : { accessToken, refreshToken, idToken, expiresAt, user: sessionUser, claims }
}

/**
 * Checks that a session just obtained (signed in, refreshed, or received from another tab or the
 * backend's SDK) expires after `now` on the client's clock. A token already past its expiry when
 * it arrives is a server or clock fault: taking it would only start a refresh loop. A restored
 * session is not checked this way: one that expired while the app was closed is refreshed.
 * Returns the session; throws {@link InvalidSessionError}.
 *
 * @example
 * checkFreshSession(parseSession(raw, 'sign-in response'), clock.now(), 'sign-in response')
 */
export function checkFreshSession(session: Session, now: number, what = 'session'): Session {
  if (session.expiresAt > now) return session
  throw new InvalidSessionError(
    `${what} expired ${Math.round((now - session.expiresAt) / 1000)} s before it arrived (expiresAt ${new Date(session.expiresAt).toISOString()}, now ${new Date(now).toISOString()})`,
    { field: 'expiresAt' },
  )
}
