import * as z from 'zod/mini'
import type { ClaimsPredicate, RetryPolicy } from '../machines/AuthContext.js'
import type { AuthClientOptions } from './AuthClientOptions.js'
import { InvalidOptionsError } from './errors.js'

/** Options for `auth.refresh()`. */
export interface RefreshOptions {
  /** Bypass every cache (Clerk `skipCache`); never merged into an unforced request in flight. */
  force?: boolean
  /** Resolve only once a new token's claims satisfy this; retried with backoff until `timeoutMs`. */
  until?: ClaimsPredicate
  /** How long to wait, in ms. Default 10 000 with `until`, 30 000 without. */
  timeoutMs?: number
  /** Names the predicate in a `ClaimsTimeoutError`. */
  description?: string
}

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function')
const nonNegative = z.number().check(z.nonnegative())
const positive = z.number().check(z.positive())

const clientOptionsSchema = z.object({
  adapter: z.looseObject({
    name: z.string().check(z.minLength(1)),
    signIn: fn,
    refresh: fn,
  }),
  storageKey: z.optional(z.string().check(z.minLength(1))),
  refreshMargin: z.optional(nonNegative),
  tabs: z.optional(
    z.union([z.boolean(), z.object({ channel: z.optional(fn), locks: z.optional(z.looseObject({ request: fn })) })]),
  ),
  inspect: z.optional(z.union([fn, z.looseObject({ next: z.optional(fn) })])),
  redactInspection: z.optional(z.boolean()),
  // A function, not `{ origins }`: where the bearer may go is `authFetch.origins`.
  fetch: z.optional(
    z.custom<(...args: never[]) => unknown>(
      (value) => typeof value === 'function',
      'must be a fetch function; to say where auth.fetch sends the token, use authFetch: { origins }',
    ),
  ),
  authFetch: z.optional(
    z.object({
      origins: z.optional(
        z.array(
          z.string().check(
            z.refine((value) => {
              try {
                const url = new URL(value)
                return url.origin !== 'null' && url.pathname === '/' && url.search === '' && url.hash === ''
              } catch {
                return false
              }
            }, 'must be an origin such as https://api.example.com'),
          ),
        ),
      ),
      refreshCooldown: z.optional(nonNegative),
    }),
  ),
  retry: z.optional(
    z.object({
      baseDelay: z.optional(positive),
      maxDelay: z.optional(positive),
      requestTimeout: z.optional(positive),
      claimsDelay: z.optional(positive),
      maxRetryAfter: z.optional(nonNegative),
    }),
  ),
})

const refreshOptionsSchema = z.optional(
  z.object({
    force: z.optional(z.boolean()),
    until: z.optional(fn),
    timeoutMs: z.optional(positive),
    description: z.optional(z.string()),
  }),
)

function fail(what: string, error: z.core.$ZodError): never {
  // A failed parse has at least one issue.
  const issue = error.issues[0] as z.core.$ZodIssue
  const path = issue.path.join('.') || what
  throw new InvalidOptionsError(`${what}: ${path} ${issue.message}`, { cause: error })
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseDelay: 1_000,
  maxDelay: 30_000,
  requestTimeout: 15_000,
  claimsDelay: 250,
  maxRetryAfter: 300_000,
}

/**
 * Checks `createAuthClient` options and fills in the defaults.
 *
 * @example
 * parseClientOptions({ adapter, refreshMargin: 30_000 }).storageKey // 'authchart.session'
 */
export function parseClientOptions(options: AuthClientOptions<never> | AuthClientOptions<unknown>) {
  const parsed = clientOptionsSchema.safeParse(options)
  if (!parsed.success) fail('createAuthClient options', parsed.error)
  const { storageKey, refreshMargin, redactInspection, retry, authFetch } = parsed.data
  return {
    authFetch: { origins: authFetch?.origins ?? [], refreshCooldown: authFetch?.refreshCooldown ?? 10_000 },
    storageKey: storageKey ?? 'authchart.session',
    refreshMargin: refreshMargin ?? 60_000,
    redactInspection: redactInspection ?? true,
    retry: { ...DEFAULT_RETRY, ...stripUndefined(retry ?? {}) } as RetryPolicy,
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * Checks `refresh()` options and fills in the defaults.
 *
 * @example
 * parseRefreshOptions({ force: true }) // { force: true, until: undefined, timeoutMs: 30000 }
 */
export function parseRefreshOptions(options: RefreshOptions | undefined) {
  const parsed = refreshOptionsSchema.safeParse(options)
  if (!parsed.success) fail('refresh options', parsed.error)
  const { force, until, timeoutMs, description } = parsed.data ?? {}
  return {
    force: force ?? false,
    until: until as ClaimsPredicate | undefined,
    timeoutMs: timeoutMs ?? (until === undefined ? 30_000 : 10_000),
    description,
  }
}
