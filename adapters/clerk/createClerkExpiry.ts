import type { ClerkTokenData } from './parseClerkSession.js'

/** Turns a Clerk token's `exp` into an `expiresAt` on the client's clock. */
export interface ClerkExpiry {
  /** Whether a freshly minted token has been seen, so the clock offset is known. */
  readonly measured: boolean
  /** `now`: the client's clock when the token arrived. */
  expiryOf(token: ClerkTokenData, fresh: boolean, now: number): number
}

/**
 * The client's clock minus Clerk's, measured on a token just minted (skipCache). Clerk serves a
 * token from its cache for most of its 60 s life, so counting a token's lifetime from its
 * arrival would overstate how long a cached one lives; its `exp` read on Clerk's clock, moved by
 * this offset, does not, and a device clock that disagrees with Clerk's is corrected too.
 *
 * @example
 * const expiry = createClerkExpiry()
 * const expiresAt = expiry.expiryOf(token, true, ctx.now()) // token fetched with skipCache
 */
export function createClerkExpiry(): ClerkExpiry {
  let offset: number | undefined
  let lastIssued: { token: string; exp: number; expiresAt: number } | undefined
  return {
    get measured() {
      return offset !== undefined
    },
    expiryOf(token, fresh, now) {
      const measured = now - token.iat * 1000
      // A cached token is older than it looks, so it can only lower the estimate, never raise it.
      offset = fresh || offset === undefined ? measured : Math.min(offset, measured)
      let expiresAt = token.exp * 1000 + offset
      // The chart takes a session from an event only if it expires later. Two tokens minted in the
      // same second share `exp`; the one just minted is the newer, so it gets the later millisecond.
      if (fresh && lastIssued && lastIssued.token !== token.token && lastIssued.exp === token.exp) {
        expiresAt = Math.max(expiresAt, lastIssued.expiresAt + 1)
      }
      lastIssued = { token: token.token, exp: token.exp, expiresAt }
      return expiresAt
    },
  }
}
