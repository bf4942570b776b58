import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { NewFamily, NextToken, RefreshTokenStore, RotateOutcome, StoredSigningKey } from './RefreshTokenStore.js'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS signing_keys (kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS families (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, email TEXT NOT NULL,
  expires_at INTEGER NOT NULL, revoked_at INTEGER, revoked_reason TEXT
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  hash TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES families(id),
  expires_at INTEGER NOT NULL, rotated_at INTEGER, successor_hash TEXT, successor_sealed TEXT
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family_id);
CREATE TABLE IF NOT EXISTS user_claims (user_id TEXT PRIMARY KEY, claims TEXT NOT NULL);
`

// Columns added after the first release: a data dir from then is upgraded in place on start.
const ADDED_COLUMNS = ['successor_hash TEXT', 'successor_sealed TEXT']

interface TokenRow {
  family_id: string
  expires_at: number
  rotated_at: number | null
  successor_sealed: string | null
  /** 1 when the token this one was rotated into exists and is unspent. */
  successor_live: 0 | 1
  user_id: string
  email: string
  revoked_at: number | null
  revoked_reason: string | null
}

/**
 * The reference server's default store: one SQLite file (`auth.sqlite`) in `dataDir`, created on
 * first start. Writes are synchronous and fully synced (WAL, `synchronous = FULL`), so a
 * rotation the server answered survives a crash; the file is readable by its owner only, since
 * it holds the signing key. Several processes on one host may share the file.
 *
 * @example
 * const store = createSqliteStore('.data/rest-server')
 * const server = await startRestServer({ store })
 */
export function createSqliteStore(dataDir: string): RefreshTokenStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = join(dataDir, 'auth.sqlite')
  const db = new Database(file)
  chmodSync(file, 0o600)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  db.exec(SCHEMA)
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(refresh_tokens)')
      .all()
      .map((column) => column.name),
  )
  for (const column of ADDED_COLUMNS) {
    if (!columns.has(column.split(' ')[0] ?? '')) db.exec(`ALTER TABLE refresh_tokens ADD COLUMN ${column}`)
  }
  // Spent tokens are kept until they expire, so their reuse is still recognised; after that
  // they, and families with no live token, can go.
  db.prepare('DELETE FROM refresh_tokens WHERE expires_at < ?').run(Date.now())
  db.prepare('DELETE FROM families WHERE expires_at < ?').run(Date.now())

  const findToken = db.prepare<[string], TokenRow>(`
    SELECT t.family_id, t.expires_at, t.rotated_at, t.successor_sealed,
      (s.hash IS NOT NULL AND s.rotated_at IS NULL) AS successor_live, f.user_id, f.email, f.revoked_at, f.revoked_reason
    FROM refresh_tokens t JOIN families f ON f.id = t.family_id
    LEFT JOIN refresh_tokens s ON s.hash = t.successor_hash WHERE t.hash = ?`)
  const insertToken = db.prepare('INSERT INTO refresh_tokens (hash, family_id, expires_at) VALUES (?, ?, ?)')
  const spendToken = db.prepare(
    'UPDATE refresh_tokens SET rotated_at = ?, successor_hash = ?, successor_sealed = ? WHERE hash = ?',
  )
  const extendFamily = db.prepare('UPDATE families SET expires_at = MAX(expires_at, ?) WHERE id = ?')
  const revoke = db.prepare(
    'UPDATE families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
  )

  const rotate = db.transaction(
    (tokenHash: string, next: NextToken, now: number, reuseIntervalMs: number): RotateOutcome => {
      const row = findToken.get(tokenHash)
      if (!row) return { status: 'unknown' }
      if (row.revoked_at !== null) return { status: 'revoked', reason: row.revoked_reason ?? 'revoked' }
      if (row.rotated_at !== null) {
        // Within the interval and with its successor unspent, this is a retry whose answer was
        // lost: hand the same successor out again. Anything else is reuse.
        const sealed = row.successor_sealed
        if (sealed !== null && row.successor_live === 1 && now < row.rotated_at + reuseIntervalMs) {
          return { status: 'replayed', familyId: row.family_id, userId: row.user_id, email: row.email, sealed }
        }
        revoke.run(now, 'reuse', row.family_id)
        return { status: 'reused', familyId: row.family_id }
      }
      if (row.expires_at <= now) return { status: 'expired' }
      spendToken.run(now, next.tokenHash, next.sealed, tokenHash)
      insertToken.run(next.tokenHash, row.family_id, next.expiresAt)
      extendFamily.run(next.expiresAt, row.family_id)
      return { status: 'rotated', familyId: row.family_id, userId: row.user_id, email: row.email }
    },
  )

  const createFamily = db.transaction((family: NewFamily) => {
    db.prepare('INSERT INTO families (id, user_id, email, expires_at) VALUES (?, ?, ?, ?)').run(
      family.familyId,
      family.userId,
      family.email,
      family.expiresAt,
    )
    insertToken.run(family.tokenHash, family.familyId, family.expiresAt)
  })

  return {
    kind: 'sqlite',
    durable: true,
    async signingKey(candidate) {
      db.prepare('INSERT OR IGNORE INTO signing_keys (kid, private_jwk, created_at) VALUES (?, ?, ?)').run(
        candidate.kid,
        candidate.privateJwk,
        candidate.createdAt,
      )
      const row = db
        .prepare<[], { kid: string; private_jwk: string; created_at: number }>(
          'SELECT kid, private_jwk, created_at FROM signing_keys ORDER BY created_at, kid LIMIT 1',
        )
        .get()
      if (!row) throw new Error('sqlite store: the signing key was not saved')
      return { kid: row.kid, privateJwk: row.private_jwk, createdAt: row.created_at } satisfies StoredSigningKey
    },
    async createFamily(family) {
      createFamily(family)
    },
    async rotate(tokenHash, next, now, reuseIntervalMs) {
      return rotate.immediate(tokenHash, next, now, reuseIntervalMs)
    },
    async familyOf(tokenHash) {
      return findToken.get(tokenHash)?.family_id ?? null
    },
    async revokeFamily(familyId, reason, now) {
      revoke.run(now, reason, familyId)
    },
    async isFamilyActive(familyId, now) {
      const row = db
        .prepare<[string], { revoked_at: number | null; expires_at: number }>(
          'SELECT revoked_at, expires_at FROM families WHERE id = ?',
        )
        .get(familyId)
      return row !== undefined && row.revoked_at === null && row.expires_at > now
    },
    async claims(userId) {
      const row = db
        .prepare<[string], { claims: string }>('SELECT claims FROM user_claims WHERE user_id = ?')
        .get(userId)
      return row ? (JSON.parse(row.claims) as Record<string, unknown>) : {}
    },
    async setClaims(userId, claims) {
      db.prepare(
        'INSERT INTO user_claims (user_id, claims) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET claims = excluded.claims',
      ).run(userId, JSON.stringify(claims))
    },
    async close() {
      db.close()
    },
  }
}
