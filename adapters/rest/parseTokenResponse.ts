import { type AuthUser, InvalidSessionError, type SessionInput } from 'authchart'
import * as z from 'zod/mini'

const userSchema = z.pipe(
  z.looseObject({
    // Many backends use numeric ids; the chart's user id is a string.
    id: z.union([z.string().check(z.minLength(1)), z.number()]),
    email: z.optional(z.nullable(z.string())),
  }),
  z.transform(({ id, email, ...rest }): AuthUser => ({ ...rest, id: String(id), email: email ?? undefined })),
)

const snakeSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  expires_in: z.optional(z.number().check(z.positive())),
  user: z.optional(userSchema),
})

const camelSchema = z.looseObject({
  accessToken: z.string().check(z.minLength(1)),
  refreshToken: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  expiresIn: z.optional(z.number().check(z.positive())),
  expiresAt: z.optional(z.number().check(z.positive())),
  user: z.optional(userSchema),
})

function invalid(what: string, error: z.core.$ZodError): InvalidSessionError {
  const issue = error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined
  // The issue message says what was wrong, never the value, so a token cannot leak through it.
  const detail = issue ? `${field === undefined ? '' : `${field}: `}${issue.message}` : 'invalid'
  return new InvalidSessionError(`${what} is invalid (${detail})`, { field, cause: error })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The default parser of a token response: `{ access_token, refresh_token, expires_in, user }`
 * (OAuth 2.0 style) or the camelCase `{ accessToken, refreshToken, expiresIn | expiresAt, user }`.
 * `expires_in` is counted from `now`, the moment the response arrived. A body that fits neither
 * throws `InvalidSessionError` whose `field` names the first missing or wrong field, spelled as
 * the body spells it.
 *
 * @example
 * parseTokenResponse({ access_token: jwt, refresh_token: 'r1', expires_in: 900 }, 'sign-in response', Date.now())
 * // { accessToken: jwt, refreshToken: 'r1', expiresAt: Date.now() + 900_000 }
 */
export function parseTokenResponse(body: unknown, what: string, now: number): SessionInput {
  if (!isObject(body)) {
    throw new InvalidSessionError(`${what} is not a JSON object`, { field: 'access_token' })
  }
  if ('accessToken' in body && !('access_token' in body)) {
    const parsed = camelSchema.safeParse(body)
    if (!parsed.success) throw invalid(what, parsed.error)
    const { accessToken, refreshToken, expiresIn, expiresAt, user } = parsed.data
    return {
      accessToken,
      refreshToken: refreshToken ?? undefined,
      expiresAt: expiresAt ?? (expiresIn === undefined ? undefined : now + expiresIn * 1000),
      user,
    }
  }
  const parsed = snakeSchema.safeParse(body)
  if (!parsed.success) throw invalid(what, parsed.error)
  const { access_token, refresh_token, expires_in, user } = parsed.data
  return {
    accessToken: access_token,
    refreshToken: refresh_token ?? undefined,
    expiresAt: expires_in === undefined ? undefined : now + expires_in * 1000,
    user,
  }
}

/**
 * The default parser of the `me` endpoint's answer: `{ user: { id, email, ... } }` or the user
 * object itself. Throws `InvalidSessionError` naming the bad field.
 *
 * @example
 * parseUserResponse({ user: { id: 'u1', email: 'ada@example.com' } }) // { id: 'u1', email: 'ada@example.com' }
 */
export function parseUserResponse(body: unknown): AuthUser {
  const candidate = isObject(body) && isObject(body.user) ? body.user : body
  const parsed = userSchema.safeParse(candidate)
  if (!parsed.success) throw invalid('me response', parsed.error)
  return parsed.data
}
