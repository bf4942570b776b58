import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'

// OWASP's floor for scrypt: N = 2^17 would be stronger, but needs 128 MiB per hash; 2^15 with
// r = 8 keeps a login near 50 ms and 32 MiB on the small machines this server is shown on.
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const
const KEY_LENGTH = 32
const SALT_LENGTH = 16
function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes, and refuses anything at or above its 32 MiB default limit.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/**
 * Hashes a password with scrypt and a random salt, as one self-describing string:
 * `scrypt$<N>$<r>$<p>$<salt>$<hash>` (salt and hash in base64url), so the parameters can be
 * raised later without breaking stored hashes.
 *
 * @example
 * await hashPassword('lovelace') // 'scrypt$32768$8$1$…$…'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const hash = await derive(password, salt, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

function parseHash(stored: string) {
  const [scheme, N, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) {
    throw new Error('password store: not an scrypt hash')
  }
  return {
    params: { N: Number(N), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  }
}

/**
 * Checks a password against a {@link hashPassword} string in constant time.
 *
 * @example
 * await verifyPassword('lovelace', await hashPassword('lovelace')) // true
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, hash } = parseHash(stored)
  const given = await derive(password, salt, params)
  return given.length === hash.length && timingSafeEqual(given, hash)
}

/** The reference server's users: email → scrypt hash. Plain passwords are never kept. */
export interface PasswordStore {
  /** The stored hash of each user, by lower-cased email (for inspection and tests). */
  readonly hashes: ReadonlyMap<string, string>
  /** Whether `password` is the user's. Costs one scrypt whether or not the email exists. */
  verify(email: string, password: string): Promise<boolean>
}

/**
 * Hashes each user's password with scrypt (a salt per user) and checks logins against the
 * hashes. An unknown email is checked against a dummy hash, so the answer's timing does not tell
 * which emails exist.
 *
 * @example
 * const passwords = await createPasswordStore({ 'ada@example.com': 'lovelace' })
 * await passwords.verify('Ada@example.com', 'lovelace') // true
 */
export async function createPasswordStore(users: Record<string, string>): Promise<PasswordStore> {
  const entries = await Promise.all(
    Object.entries(users).map(
      async ([email, password]) => [email.toLowerCase(), await hashPassword(password)] as const,
    ),
  )
  const hashes = new Map(entries)
  const dummy = await hashPassword(randomBytes(16).toString('base64url'))
  return {
    hashes,
    async verify(email, password) {
      const stored = hashes.get(email.toLowerCase())
      const match = await verifyPassword(password, stored ?? dummy)
      return match && stored !== undefined
    },
  }
}
