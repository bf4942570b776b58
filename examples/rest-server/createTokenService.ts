import { createHash, randomBytes, randomUUID } from 'node:crypto'
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose'
import { createPasswordStore } from './createPasswordStore.js'
import type { RefreshTokenStore } from './RefreshTokenStore.js'
import { openSealedRefreshToken, sealRefreshToken } from './sealRefreshToken.js'

/** What login and refresh answer with. */
export interface TokenSet {
  accessToken: string
  refreshToken: string
  expiresIn: number
  user: { id: string; email: string }
  /** A retry within the reuse interval: the refresh token is the one the first answer carried. */
  replayed?: boolean
}

/**
 * Why a refresh was refused, as a stable code (the `reason` of the 401 body):
 * - `refresh_token_unknown`: never issued, or forgotten (a store that did not survive: seed 002)
 * - `refresh_token_expired`: older than the refresh-token lifetime
 * - `token_reused`: a spent token came back outside the reuse interval; its family is revoked
 * - `family_revoked`: the token's family was revoked (signed out, or an earlier reuse)
 * - `refresh_token_missing`: the request carried no refresh token (no body field, no cookie)
 */
export type RefusalReason =
  'refresh_token_unknown' | 'refresh_token_expired' | 'token_reused' | 'family_revoked' | 'refresh_token_missing'

/** Why a refresh was refused; `description` is safe to show and to log. */
export interface RefreshRefusal {
  error: 'invalid_grant'
  reason: RefusalReason
  description: string
}

export interface TokenServiceOptions {
  store: RefreshTokenStore
  issuer: string
  audience: string
  /** Access token lifetime in seconds. */
  accessTokenTtl: number
  /** Refresh token lifetime in seconds, renewed on each rotation. */
  refreshTokenTtl: number
  /** email → password. */
  users: Record<string, string>
  /**
   * Seconds after a rotation during which the spent token, presented again, gets the same
   * successor back instead of revoking its family (its answer was lost). 0 turns it off.
   */
  reuseInterval: number
  now?: () => number
}

// Claims the server owns: a client may not overwrite them through /auth/claims.
const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'email'])

const sha256 = (value: string) => createHash('sha256').update(value).digest()

/**
 * Refresh tokens are stored only as their SHA-256: a leaked store does not leak sessions.
 *
 * @example
 * await store.familyOf(hashToken(presentedRefreshToken))
 */
export const hashToken = (token: string) => sha256(token).toString('base64url')

/**
 * A stable user id from the email, so a user keeps their id (and custom claims) across restarts.
 *
 * @example
 * userIdFor('Ada@example.com') === userIdFor('ada@example.com') // true
 */
export const userIdFor = (email: string) => `user_${sha256(email.trim().toLowerCase()).toString('hex').slice(0, 16)}`

/**
 * The reference server's token logic, without HTTP: password check (scrypt), ES256 access
 * tokens signed with the store's persisted key, refresh-token rotation with reuse detection
 * (OAuth 2.0 security BCP: presenting a spent token revokes its whole family) and a reuse
 * interval for retries whose answer was lost, logout and custom claims.
 *
 * @example
 * const tokens = await createTokenService({ store, issuer: 'authchart-rest-server', audience: 'authchart',
 *   accessTokenTtl: 900, refreshTokenTtl: 30 * 86_400, reuseInterval: 10, users: { 'ada@example.com': 'lovelace' } })
 * const set = await tokens.login('ada@example.com', 'lovelace')
 */
export async function createTokenService(options: TokenServiceOptions) {
  const { store, issuer, audience } = options
  const now = options.now ?? Date.now
  const signing = await loadSigningKey(store)

  const passwords = await createPasswordStore(options.users)
  const reuseIntervalMs = options.reuseInterval * 1000

  const accessToken = async (userId: string, email: string, familyId: string) => {
    const custom = Object.fromEntries(
      Object.entries(await store.claims(userId)).filter(([name]) => !RESERVED.has(name)),
    )
    const issuedAt = Math.floor(now() / 1000)
    return new SignJWT({ ...custom, email, sid: familyId })
      .setProtectedHeader({ alg: 'ES256', kid: signing.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + options.accessTokenTtl)
      .setJti(randomUUID())
      .sign(signing.privateKey)
  }

  const tokenSet = async (userId: string, email: string, familyId: string, refreshToken: string) => ({
    accessToken: await accessToken(userId, email, familyId),
    refreshToken,
    expiresIn: options.accessTokenTtl,
    user: { id: userId, email },
  })

  const newRefreshToken = () => randomBytes(32).toString('base64url')

  return {
    jwks: { keys: [signing.publicJwk] },

    /** Returns the tokens of a new session, or `null` for wrong credentials. */
    async login(email: string, password: string): Promise<TokenSet | null> {
      if (!(await passwords.verify(email, password))) return null
      const userId = userIdFor(email)
      const familyId = randomUUID()
      const refreshToken = newRefreshToken()
      await store.createFamily({
        familyId,
        userId,
        email,
        tokenHash: hashToken(refreshToken),
        expiresAt: now() + options.refreshTokenTtl * 1000,
      })
      return tokenSet(userId, email, familyId, refreshToken)
    },

    /**
     * Rotates a refresh token: new tokens, or the reason it was refused. Within the reuse
     * interval a retry of the same token gets the same successor and a fresh access token.
     */
    async refresh(refreshToken: string): Promise<TokenSet | RefreshRefusal> {
      const next = newRefreshToken()
      const outcome = await store.rotate(
        hashToken(refreshToken),
        {
          tokenHash: hashToken(next),
          expiresAt: now() + options.refreshTokenTtl * 1000,
          sealed: sealRefreshToken(next, refreshToken),
        },
        now(),
        reuseIntervalMs,
      )
      const refuse = (reason: RefusalReason, description: string): RefreshRefusal => ({
        error: 'invalid_grant',
        reason,
        description,
      })
      switch (outcome.status) {
        case 'rotated':
          return tokenSet(outcome.userId, outcome.email, outcome.familyId, next)
        case 'replayed': {
          // Throws (a 503) if the store's value does not open under this token: corrupt data is
          // an outage, not a verdict on the session.
          const successor = openSealedRefreshToken(outcome.sealed, refreshToken)
          return { ...(await tokenSet(outcome.userId, outcome.email, outcome.familyId, successor)), replayed: true }
        }
        case 'unknown':
          return refuse('refresh_token_unknown', 'refresh token not found: the session is unknown to the server')
        case 'expired':
          return refuse('refresh_token_expired', 'refresh token expired')
        case 'reused':
          return refuse(
            'token_reused',
            'refresh token reuse detected: it was already rotated, so its session was revoked',
          )
        case 'revoked':
          return refuse(
            'family_revoked',
            outcome.reason === 'reuse'
              ? 'session revoked after refresh token reuse was detected'
              : `session revoked (${outcome.reason})`,
          )
      }
    },

    /** Revokes the family of a refresh token, or the one an access token names. Idempotent. */
    async logout(refreshToken: string | undefined, familyId: string | undefined): Promise<void> {
      const family = familyId ?? (refreshToken === undefined ? null : await store.familyOf(hashToken(refreshToken)))
      if (family) await store.revokeFamily(family, 'signed out', now())
    },

    /** Verifies an access token (signature, issuer, audience, expiry, session not revoked). */
    async authenticate(token: string): Promise<{ userId: string; email: string; familyId: string } | null> {
      const verified = await jwtVerify(token, signing.publicKey, {
        issuer,
        audience,
        algorithms: ['ES256'],
        currentDate: new Date(now()),
      }).then(
        (result) => result.payload,
        () => null,
      )
      if (!verified || typeof verified.sub !== 'string' || typeof verified.sid !== 'string') return null
      if (!(await store.isFamilyActive(verified.sid, now()))) return null
      return { userId: verified.sub, email: String(verified.email ?? ''), familyId: verified.sid }
    },

    async claims(userId: string): Promise<Record<string, unknown>> {
      return store.claims(userId)
    },

    /** Merges custom claims into the user's; `null` removes one. Reserved claims are refused. */
    async updateClaims(userId: string, changes: Record<string, unknown>): Promise<Record<string, unknown>> {
      const reserved = Object.keys(changes).filter((name) => RESERVED.has(name))
      if (reserved.length > 0) throw new RangeError(`reserved claims cannot be set: ${reserved.join(', ')}`)
      const merged = { ...(await store.claims(userId)), ...changes }
      for (const [name, value] of Object.entries(merged)) if (value === null) delete merged[name]
      await store.setClaims(userId, merged)
      return merged
    },
  }
}

/** The token service's interface, for the HTTP layer. */
export type TokenService = Awaited<ReturnType<typeof createTokenService>>

async function loadSigningKey(store: RefreshTokenStore) {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const candidateJwk = await exportJWK(privateKey)
  const stored = await store.signingKey({
    kid: await calculateJwkThumbprint(candidateJwk),
    privateJwk: JSON.stringify(candidateJwk),
    createdAt: Date.now(),
  })
  const jwk = JSON.parse(stored.privateJwk) as JWK
  const { d: _secret, ...publicJwk } = jwk
  return {
    kid: stored.kid,
    privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
    publicJwk: { ...publicJwk, kid: stored.kid, alg: 'ES256', use: 'sig' },
  }
}
