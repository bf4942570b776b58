import type { RejectionReason } from '../errors.js'
import * as z from 'zod/mini'
import type { AuthAdapter } from '../AuthAdapter.js'
import type { Clock } from '../Clock.js'
import { createCallGate } from './createCallGate.js'
import { InvalidOptionsError } from '../errors.js'
import type { Session, SessionInput } from '../Session.js'

/** The calls a fake adapter counts and scripts. */
export type FakeOperation = 'signIn' | 'refresh' | 'validate' | 'signOut'

/**
 * What the next call of an operation does:
 * - `ok`: the normal answer;
 * - `transient`: a 503, as from a network blip or an overloaded server;
 * - `rejected`: a 401 / `invalid_grant`;
 * - `{ claims }`: ok, with these claims merged into the new token (they stick, as on a server);
 * - `{ response }`: answer with this raw value, to test parsing of bad responses.
 */
export type FakeOutcome = 'ok' | 'transient' | 'rejected' | { claims: Record<string, unknown> } | { response: unknown }

/** The error a fake adapter throws; `status` is what an HTTP backend would have answered. */
export class FakeAuthError extends Error {
  readonly status: number
  readonly kind: 'rejected' | 'transient'
  /** The reason code a refusal carries, as a real backend's error code would. */
  readonly reason: RejectionReason | undefined

  constructor(kind: 'rejected' | 'transient', message: string, reason?: RejectionReason) {
    super(message)
    this.name = 'FakeAuthError'
    this.kind = kind
    this.status = kind === 'rejected' ? 401 : 503
    this.reason = kind === 'rejected' ? reason : undefined
  }
}

export interface FakeAdapterOptions {
  /**
   * Drives latency, and is the server's clock: the `iat` and `exp` of the tokens it issues. A
   * clock other than the client's plays a device clock that is off. Required when any latency is
   * set. Default: no latency, and tokens stamped on the client's clock (the call's `ctx.now`).
   */
  clock?: Clock
  /** Scripted latency in ms, for every call or per operation. Default 0. */
  latency?: number | Partial<Record<FakeOperation, number>>
  /** Access token lifetime in ms. Default one hour. */
  accessTokenTtl?: number
  /** Rotate refresh tokens on every use, with reuse detection. Default `true`. */
  rotation?: boolean
  /** Custom claims every new token carries; change them with `setClaims`. */
  claims?: Record<string, unknown>
  /** Accepted users (email → password). Default: any email with any non-empty password. */
  users?: Record<string, string>
}

export interface FakeCredentials {
  email: string
  password: string
}

/** A scriptable in-memory auth server behind the {@link AuthAdapter} interface. */
export interface FakeAdapter extends AuthAdapter<FakeCredentials> {
  /** How many times each operation was called. */
  readonly calls: Record<FakeOperation, number>
  /** Every refresh token presented to `refresh`, in order. */
  readonly refreshTokensSent: string[]
  /** Calls in flight right now. */
  readonly inFlight: number
  /** Queues outcomes for the next calls of `operation`; unqueued calls answer `ok`. */
  enqueue(operation: FakeOperation, ...outcomes: FakeOutcome[]): void
  /** Changes the claims the server puts into tokens it issues from now on. */
  setClaims(claims: Record<string, unknown>): void
  /** The server forgets every refresh token (a restart with an in-memory store, seed 002). */
  forgetRefreshTokens(): void
  /**
   * From now on, calls of `operation` wait at a gate until {@link FakeAdapter.release}: "a request
   * starts" and "it resolves" become two steps a test can interleave. A waiting call honours its
   * `AbortSignal`. The outcome is taken when the call is released, not when it starts.
   */
  hold(operation: FakeOperation): void
  /**
   * Lets the calls of `operation` waiting at the gate go on, in order, and returns how many. With
   * `outcome`, the released calls answer it instead of their queued outcome (a network that
   * dropped while they waited). The gate stays closed for later calls until {@link FakeAdapter.resume}.
   */
  release(operation: FakeOperation, outcome?: FakeOutcome): number
  /** Opens the gate of `operation` for good and releases the calls waiting at it. */
  resume(operation: FakeOperation): void
  /** How many calls of `operation` wait at the gate now. */
  waiting(operation: FakeOperation): number
}

const credentialsSchema = z.object({
  email: z.string().check(z.minLength(1)),
  password: z.string().check(z.minLength(1)),
})

function base64url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function abortable(clock: Clock | undefined, ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve()
  if (!clock) throw new InvalidOptionsError('createFakeAdapter: latency needs a clock')
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle)
      reject(signal.reason)
    }
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Creates a fake auth backend for tests: real (unsigned) JWTs, refresh-token rotation with reuse
 * detection that revokes the whole family, scripted latency and outcomes, and call counters.
 *
 * @example
 * const clock = createFakeClock()
 * const adapter = createFakeAdapter({ clock, latency: { refresh: 200 } })
 * adapter.enqueue('refresh', 'transient', 'ok') // first refresh fails, the retry works
 * const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()
 */
export function createFakeAdapter(options: FakeAdapterOptions = {}): FakeAdapter {
  const clock = options.clock
  const ttl = options.accessTokenTtl ?? 3_600_000
  const rotation = options.rotation ?? true
  let serverClaims: Record<string, unknown> = { ...options.claims }
  const queues: Record<FakeOperation, FakeOutcome[]> = { signIn: [], refresh: [], validate: [], signOut: [] }
  const calls: Record<FakeOperation, number> = { signIn: 0, refresh: 0, validate: 0, signOut: 0 }
  const refreshTokensSent: string[] = []
  // refresh token → family; a family's `current` is the only token of it that may be used.
  const families = new Map<string, { current: string; revoked: boolean; userId: string; email: string }>()
  const tokenFamily = new Map<string, string>()
  let serial = 0
  let inFlight = 0
  // Calls of a held operation wait here; each resolves with the outcome it is released with
  // (undefined: its own queued one).
  const gate = createCallGate<FakeOperation, FakeOutcome>()

  const latencyOf = (op: FakeOperation) =>
    typeof options.latency === 'number' ? options.latency : (options.latency?.[op] ?? 0)

  const issue = (
    userId: string,
    email: string,
    familyId: string,
    extra: Record<string, unknown>,
    now: number,
  ): SessionInput => {
    serial += 1
    const iat = Math.floor(now / 1000)
    const payload = {
      ...serverClaims,
      ...extra,
      sub: userId,
      email,
      iat,
      exp: iat + Math.floor(ttl / 1000),
      jti: `t${serial}`,
    }
    const accessToken = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`
    const family = families.get(familyId)
    let refreshToken = family?.current
    if (!family || rotation) {
      refreshToken = `rt-${familyId}-${serial}`
      families.set(familyId, { current: refreshToken, revoked: false, userId, email })
      tokenFamily.set(refreshToken, familyId)
    }
    return { accessToken, refreshToken, user: { id: userId, email } }
  }

  const run = async <T>(op: FakeOperation, signal: AbortSignal, answer: (outcome: FakeOutcome) => T): Promise<T> => {
    calls[op] += 1
    inFlight += 1
    let outcome: FakeOutcome
    try {
      const forced = gate.isHeld(op) ? await gate.pass(op, signal) : undefined
      outcome = forced ?? queues[op].shift() ?? 'ok'
      await abortable(clock, latencyOf(op), signal)
    } finally {
      inFlight -= 1
    }
    if (outcome === 'transient') throw new FakeAuthError('transient', `${op}: service unavailable`)
    if (outcome === 'rejected') throw new FakeAuthError('rejected', `${op}: rejected by the server`)
    return answer(outcome)
  }

  const claimsOf = (outcome: FakeOutcome) => {
    if (typeof outcome === 'object' && 'claims' in outcome) serverClaims = { ...serverClaims, ...outcome.claims }
    return {}
  }

  return {
    name: 'fake',
    calls,
    refreshTokensSent,
    get inFlight() {
      return inFlight
    },
    enqueue(op, ...outcomes) {
      queues[op].push(...outcomes)
    },
    setClaims(claims) {
      serverClaims = { ...claims }
    },
    forgetRefreshTokens() {
      families.clear()
      tokenFamily.clear()
    },
    hold: gate.hold,
    release: gate.release,
    resume: gate.resume,
    waiting: gate.waiting,
    signIn(credentials, { signal, now }) {
      return run('signIn', signal, (outcome) => {
        if (typeof outcome === 'object' && 'response' in outcome) return outcome.response as SessionInput
        const parsed = credentialsSchema.safeParse(credentials)
        if (!parsed.success) throw new FakeAuthError('rejected', 'signIn: email and password are required')
        const { email, password } = parsed.data
        if (options.users && options.users[email] !== password) {
          throw new FakeAuthError('rejected', 'signIn: invalid credentials')
        }
        serial += 1
        return issue(`user-${email}`, email, `f${serial}`, claimsOf(outcome), clock?.now() ?? now())
      })
    },
    refresh(session: Session, { signal, now }) {
      return run('refresh', signal, (outcome) => {
        if (typeof outcome === 'object' && 'response' in outcome) return outcome.response as SessionInput
        const presented = session.refreshToken ?? ''
        refreshTokensSent.push(presented)
        const familyId = tokenFamily.get(presented)
        const family = familyId === undefined ? undefined : families.get(familyId)
        if (!family || familyId === undefined) {
          throw new FakeAuthError('rejected', 'refresh: unknown refresh token', 'refresh_token_unknown')
        }
        if (family.revoked)
          throw new FakeAuthError('rejected', 'refresh: refresh token family revoked', 'family_revoked')
        if (family.current !== presented) {
          family.revoked = true
          throw new FakeAuthError('rejected', 'refresh: refresh token reuse detected; family revoked', 'token_reused')
        }
        return issue(family.userId, family.email, familyId, claimsOf(outcome), clock?.now() ?? now())
      })
    },
    validate(session: Session, { signal }) {
      return run('validate', signal, () => ({ user: session.user }))
    },
    signOut(session: Session, { signal }) {
      return run('signOut', signal, () => {
        const familyId = tokenFamily.get(session.refreshToken ?? '')
        const family = familyId === undefined ? undefined : families.get(familyId)
        if (family) family.revoked = true
      })
    },
    classify: (error) => {
      if (!(error instanceof FakeAuthError)) return 'transient'
      return error.reason ? { kind: 'rejected', reason: error.reason } : error.kind
    },
  }
}
