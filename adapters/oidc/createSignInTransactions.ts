import * as z from 'zod/mini'
import { OidcError } from './OidcError.js'

/** Where pending sign-ins wait for their callback: `sessionStorage`'s shape, sync or async. */
export interface TransactionStorage {
  getItem(key: string): string | null | Promise<string | null>
  setItem(key: string, value: string): void | Promise<void>
  removeItem(key: string): void | Promise<void>
}

/** What a sign-in needs to finish: its PKCE verifier, `nonce` and redirect URI. */
export interface SignInTransaction {
  codeVerifier: string
  nonce: string
  redirectUri: string
  createdAt: number
}

const transactionSchema = z.object({
  codeVerifier: z.string().check(z.minLength(43)),
  nonce: z.string().check(z.minLength(1)),
  redirectUri: z.string(),
  createdAt: z.number(),
})
// What stays after use, so that a second use of the same callback is told apart from a forged
// one: when, and nothing secret (the verifier and nonce go with the first use).
const usedSchema = z.object({ createdAt: z.number(), usedAt: z.number() })

/** Pending sign-ins, keyed by their `state`, each usable once. */
export interface SignInTransactions {
  save(state: string, transaction: SignInTransaction): Promise<void>
  /** Marks the transaction used and returns it; throws an {@link OidcError} if it cannot be used. */
  take(state: string, now: number): Promise<SignInTransaction>
}

function memoryStorage(): TransactionStorage {
  const items = new Map<string, string>()
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  }
}

/**
 * The default storage of pending sign-ins: the tab's `sessionStorage` in a browser (it survives
 * the redirect to the provider and back, and no other tab sees it), else memory.
 *
 * @example
 * const storage = defaultTransactionStorage()
 */
export function defaultTransactionStorage(): TransactionStorage {
  const session = (globalThis as { sessionStorage?: TransactionStorage }).sessionStorage
  return session ?? memoryStorage()
}

/**
 * Keeps what a sign-in started with until its callback arrives: one entry per `state`, used at
 * most once, and refused once older than `maxAgeMs`. At its use the entry loses its verifier and
 * nonce and keeps only its times, so that a replayed callback gets `callback_replayed`.
 *
 * @example
 * const transactions = createSignInTransactions(sessionStorage, 'authchart.oidc.app', 600_000)
 * await transactions.save(state, { codeVerifier, nonce, redirectUri, createdAt: Date.now() })
 * const { codeVerifier } = await transactions.take(state, Date.now())
 */
export function createSignInTransactions(
  storage: TransactionStorage,
  prefix: string,
  maxAgeMs: number,
): SignInTransactions {
  const keyOf = (state: string) => `${prefix}.${state}`
  return {
    async save(state, transaction) {
      await storage.setItem(keyOf(state), JSON.stringify(transaction))
    },
    async take(state, now) {
      const raw = await storage.getItem(keyOf(state))
      if (raw === null) {
        throw new OidcError('state_mismatch', 'the callback’s state matches no sign-in started in this tab')
      }
      let json: unknown
      try {
        json = JSON.parse(raw)
      } catch {
        json = undefined
      }
      const used = usedSchema.safeParse(json)
      if (used.success) {
        if (now - used.data.createdAt > maxAgeMs) await storage.removeItem(keyOf(state))
        throw new OidcError('callback_replayed', 'this callback was already used; a callback completes one sign-in')
      }
      const parsed = transactionSchema.safeParse(json)
      if (!parsed.success) {
        await storage.removeItem(keyOf(state))
        throw new OidcError(
          'state_mismatch',
          'the stored sign-in for this callback was unreadable and has been removed',
        )
      }
      const transaction = parsed.data
      if (now - transaction.createdAt > maxAgeMs) {
        await storage.removeItem(keyOf(state))
        throw new OidcError(
          'callback_expired',
          `the sign-in started more than ${maxAgeMs / 1000} s ago; start it again`,
        )
      }
      await storage.setItem(keyOf(state), JSON.stringify({ createdAt: transaction.createdAt, usedAt: now }))
      return transaction
    },
  }
}
