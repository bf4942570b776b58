import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const INFO = 'authchart-rest-server successor refresh token'
const IV_LENGTH = 12
const TAG_LENGTH = 16

// The key comes from the spent token itself, which the store never holds (only its SHA-256,
// which HKDF with this label does not turn into the key): a stolen store opens nothing.
const keyOf = (presented: string) => Buffer.from(hkdfSync('sha256', presented, '', INFO, 32))

/**
 * Seals the refresh token a rotation issued under the one it replaced, so that a retry of that
 * rotation (the answer was lost) can be handed the same successor again without the store ever
 * holding a usable token.
 *
 * @example
 * const sealed = sealRefreshToken(next, presented)
 * openSealedRefreshToken(sealed, presented) === next // true
 */
export function sealRefreshToken(successor: string, presented: string): string {
  const iv = randomBytes(IV_LENGTH)
  const cipher = createCipheriv('aes-256-gcm', keyOf(presented), iv)
  const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')
}

/**
 * Opens what {@link sealRefreshToken} sealed; throws if `presented` is not the token it was
 * sealed under or the value was tampered with.
 *
 * @example
 * const successor = openSealedRefreshToken(outcome.sealed, presented)
 */
export function openSealedRefreshToken(sealed: string, presented: string): string {
  const bytes = Buffer.from(sealed, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', keyOf(presented), bytes.subarray(0, IV_LENGTH))
  decipher.setAuthTag(bytes.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH))
  return Buffer.concat([decipher.update(bytes.subarray(IV_LENGTH + TAG_LENGTH)), decipher.final()]).toString('utf8')
}
