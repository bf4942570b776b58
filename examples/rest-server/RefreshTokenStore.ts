/** The signing key, kept with the refresh tokens so a restart keeps old access tokens valid. */
export interface StoredSigningKey {
  kid: string
  /** The private JWK as JSON. It is a secret: the store's files and Redis must be protected. */
  privateJwk: string
  createdAt: number
}

/** A new refresh-token family: one sign-in, and every token rotated from it. */
export interface NewFamily {
  familyId: string
  userId: string
  email: string
  /** SHA-256 of the first refresh token; tokens themselves are never stored. */
  tokenHash: string
  expiresAt: number
}

/** The token a rotation issues. */
export interface NextToken {
  /** SHA-256 of the new refresh token. */
  tokenHash: string
  expiresAt: number
  /**
   * The new refresh token sealed (AES-GCM) under a key derived from the presented one, kept on
   * the spent token so a retry within the reuse interval gets the same successor back. Only the
   * holder of the spent token can open it; the store never sees that token.
   */
  sealed: string
}

/** What presenting a refresh token led to. */
export type RotateOutcome =
  | { status: 'rotated'; familyId: string; userId: string; email: string }
  /**
   * Already rotated, but within the reuse interval and its successor is still unspent: the
   * rotation's answer was probably lost. `sealed` is the successor, to hand out again.
   */
  | { status: 'replayed'; familyId: string; userId: string; email: string; sealed: string }
  /** Never issued, or forgotten (a store that does not survive restarts: seed 002). */
  | { status: 'unknown' }
  | { status: 'expired' }
  | { status: 'revoked'; reason: string }
  /**
   * Already rotated, and outside the reuse interval or with its successor spent too: the whole
   * family has just been revoked.
   */
  | { status: 'reused'; familyId: string }

/**
 * Where the reference server keeps refresh tokens, their families, users' custom claims and the
 * signing key. `rotate` must be atomic: two requests with the same token must never both get a
 * new one, even on two server instances (within the reuse interval both get the same one).
 */
export interface RefreshTokenStore {
  /** `sqlite`, `redis` or `memory`. */
  readonly kind: string
  /** Whether the data survives a restart of the server process. */
  readonly durable: boolean
  /** Saves `candidate` unless a key is already stored, and returns the stored one. */
  signingKey(candidate: StoredSigningKey): Promise<StoredSigningKey>
  createFamily(family: NewFamily): Promise<void>
  /**
   * Spends `tokenHash` and stores `next` in its family, or says why not. A token spent less than
   * `reuseIntervalMs` ago whose successor is unspent is `replayed`, not reuse; `0` turns that off.
   */
  rotate(tokenHash: string, next: NextToken, now: number, reuseIntervalMs: number): Promise<RotateOutcome>
  /** The family a token belongs to, or `null` if the token is unknown. */
  familyOf(tokenHash: string): Promise<string | null>
  revokeFamily(familyId: string, reason: string, now: number): Promise<void>
  /** Whether a family exists and is not revoked (access tokens name theirs in `sid`). */
  isFamilyActive(familyId: string, now: number): Promise<boolean>
  claims(userId: string): Promise<Record<string, unknown>>
  setClaims(userId: string, claims: Record<string, unknown>): Promise<void>
  close(): Promise<void>
}
