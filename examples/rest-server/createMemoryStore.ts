import type { RefreshTokenStore, RotateOutcome, StoredSigningKey } from './RefreshTokenStore.js'

interface Family {
  userId: string
  email: string
  expiresAt: number
  revoked: string | null
}

/**
 * A store in process memory: every refresh token and the signing key die with the process, so a
 * restart signs every user out. This is the bug of seed 002; the server uses it only when
 * started with `--ephemeral` (or `{ ephemeral: true }`) and says so loudly.
 *
 * @example
 * const server = await startRestServer({ ephemeral: true }) // prints a warning
 */
export function createMemoryStore(): RefreshTokenStore {
  let key: StoredSigningKey | null = null
  const families = new Map<string, Family>()
  const tokens = new Map<
    string,
    { familyId: string; expiresAt: number; rotatedAt: number | null; next?: { tokenHash: string; sealed: string } }
  >()
  const claims = new Map<string, Record<string, unknown>>()

  return {
    kind: 'memory',
    durable: false,
    async signingKey(candidate) {
      key ??= candidate
      return key
    },
    async createFamily(family) {
      families.set(family.familyId, {
        userId: family.userId,
        email: family.email,
        expiresAt: family.expiresAt,
        revoked: null,
      })
      tokens.set(family.tokenHash, { familyId: family.familyId, expiresAt: family.expiresAt, rotatedAt: null })
    },
    async rotate(tokenHash, next, now, reuseIntervalMs): Promise<RotateOutcome> {
      const token = tokens.get(tokenHash)
      const family = token && families.get(token.familyId)
      if (!token || !family) return { status: 'unknown' }
      if (family.revoked !== null) return { status: 'revoked', reason: family.revoked }
      if (token.rotatedAt !== null) {
        const successor = token.next && tokens.get(token.next.tokenHash)
        if (token.next && successor?.rotatedAt === null && now < token.rotatedAt + reuseIntervalMs) {
          const { familyId } = token
          return { status: 'replayed', familyId, userId: family.userId, email: family.email, sealed: token.next.sealed }
        }
        family.revoked = 'reuse'
        return { status: 'reused', familyId: token.familyId }
      }
      if (token.expiresAt <= now) return { status: 'expired' }
      token.rotatedAt = now
      token.next = { tokenHash: next.tokenHash, sealed: next.sealed }
      tokens.set(next.tokenHash, { familyId: token.familyId, expiresAt: next.expiresAt, rotatedAt: null })
      family.expiresAt = Math.max(family.expiresAt, next.expiresAt)
      return { status: 'rotated', familyId: token.familyId, userId: family.userId, email: family.email }
    },
    async familyOf(tokenHash) {
      return tokens.get(tokenHash)?.familyId ?? null
    },
    async revokeFamily(familyId, reason) {
      const family = families.get(familyId)
      if (family && family.revoked === null) family.revoked = reason
    },
    async isFamilyActive(familyId, now) {
      const family = families.get(familyId)
      return family !== undefined && family.revoked === null && family.expiresAt > now
    },
    async claims(userId) {
      return claims.get(userId) ?? {}
    },
    async setClaims(userId, value) {
      claims.set(userId, value)
    },
    async close() {
      tokens.clear()
      families.clear()
    },
  }
}
