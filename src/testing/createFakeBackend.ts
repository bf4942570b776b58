import type { AuthAdapter } from '../AuthAdapter.js'
import type { Session, SessionInput } from '../Session.js'
import type { AuthBackend, BackendFailure } from './AuthBackend.js'
import {
  createFakeAdapter,
  type FakeAdapter,
  type FakeAdapterOptions,
  FakeAuthError,
  type FakeCredentials,
} from './createFakeAdapter.js'

export interface FakeBackendOptions extends FakeAdapterOptions {
  /**
   * Where the fake server keeps refresh tokens. `durable` (default): a restart keeps them.
   * `memory`: a restart forgets them, the bug of seed 002 (use it to see a run catch it).
   */
  store?: 'durable' | 'memory'
  /**
   * How many refreshes changed claims take to reach tokens, as with a replicated user store.
   * Default 0: the next token carries them.
   */
  claimsLag?: number
  /** The credentials scenarios sign in with. Default `ada@example.com` / `pw`. */
  credentials?: FakeCredentials
}

/**
 * The fake backend: an {@link AuthBackend} whose control makes every server move, and the fake
 * adapter beneath. It has no `network` move: the fake adapter sends no requests, so the scenario
 * simulates the network in front of it (calls made offline fail before reaching it).
 */
export interface FakeBackend extends AuthBackend<FakeCredentials> {
  control: Required<Omit<NonNullable<AuthBackend['control']>, 'check' | 'network'>>
  /** The scriptable fake server the adapter talks to (`enqueue`, `calls`, `hold`, ...). */
  fake: FakeAdapter
}

/**
 * Creates the fake backend: {@link createFakeAdapter}'s in-memory server as an {@link AuthBackend}
 * with every control move, so generated scenarios run on it exactly as on your own backend.
 *
 * @example
 * import { createFakeBackend, runAuthScenarios } from 'authchart/testing'
 *
 * const report = await runAuthScenarios({ backend: ({ clock }) => createFakeBackend({ clock }) })
 * console.log(report.summary)
 */
export function createFakeBackend(options: FakeBackendOptions = {}): FakeBackend {
  const fake = createFakeAdapter(options)
  const failures: BackendFailure[] = []
  // Presented refresh token → the answer the client never received (a reuse interval, as GoTrue's).
  const lostAnswers = new Map<string, SessionInput>()
  // Every token handed out so far, so that "expire now" and "revoke" reach exactly those.
  const issued = { access: new Set<string>(), refresh: new Set<string>() }
  const expired = new Set<string>()
  // Sessions the server lost with its store: it refuses their access tokens too.
  const lost = new Set<string>()
  const revoked = new Set<string>()
  const note = (answer: SessionInput) => {
    const { accessToken, refreshToken } = answer as { accessToken?: unknown; refreshToken?: unknown }
    if (typeof accessToken === 'string') issued.access.add(accessToken)
    if (typeof refreshToken === 'string') issued.refresh.add(refreshToken)
    return answer
  }
  let pendingClaims: { claims: Record<string, unknown>; lag: number } | null = null

  const failure = (op: string) => {
    const next = failures.shift()
    if (next === undefined) return undefined
    if (next === '5xx') throw new FakeAuthError('transient', `${op}: 503 service unavailable`)
    if (next === '429') throw new FakeAuthError('transient', `${op}: 429 too many requests (Retry-After: 1)`)
    if (next === 'reset') throw new TypeError(`${op}: fetch failed (connection reset)`)
    return next
  }
  // A dropped request never answers: it waits until the client aborts it.
  const dropped = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason)
      else signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })

  const adapter: AuthAdapter<FakeCredentials> = {
    name: 'fake-backend',
    classify: fake.classify,
    async signIn(credentials, context) {
      if (failure('signIn') === 'drop') return dropped(context.signal)
      return note(await fake.signIn(credentials, context))
    },
    async validate(session: Session, context) {
      if (failure('validate') === 'drop') return dropped(context.signal)
      if (lost.has(session.refreshToken ?? '')) {
        throw new FakeAuthError('rejected', 'validate: the session is unknown to the server')
      }
      if (expired.has(session.accessToken)) {
        throw new FakeAuthError('rejected', 'validate: the access token expired', 'token_expired')
      }
      return fake.validate?.(session, context)
    },
    async signOut(session: Session, context) {
      if (failure('signOut') === 'drop') return dropped(context.signal)
      return fake.signOut?.(session, context)
    },
    async refresh(session: Session, context) {
      const fails = failure('refresh')
      if (fails === 'drop') return dropped(context.signal)
      const presented = session.refreshToken ?? ''
      const lost = lostAnswers.get(presented)
      if (lost !== undefined) {
        lostAnswers.delete(presented)
        return lost
      }
      if (revoked.has(presented)) {
        throw new FakeAuthError('rejected', 'refresh: the session was revoked', 'family_revoked')
      }
      const answer = note(await fake.refresh(session, context))
      if (pendingClaims !== null) {
        if (pendingClaims.lag > 0) pendingClaims.lag -= 1
        else {
          fake.setClaims(pendingClaims.claims)
          pendingClaims = null
        }
      }
      if (fails === 'commitThenLose') {
        lostAnswers.set(presented, answer)
        throw new TypeError('refresh: fetch failed (the answer was lost after the server committed)')
      }
      return answer
    },
  }

  const loseEverySession = () => {
    fake.forgetRefreshTokens()
    lostAnswers.clear()
    for (const token of issued.refresh) lost.add(token)
  }
  let claims: Record<string, unknown> = { ...options.claims }
  return {
    adapter,
    credentials: options.credentials ?? { email: 'ada@example.com', password: 'pw' },
    time: 'scenario',
    fake,
    control: {
      expireAccessToken() {
        for (const token of issued.access) expired.add(token)
      },
      revokeSession() {
        for (const token of issued.refresh) revoked.add(token)
        lostAnswers.clear()
      },
      loseStore() {
        loseEverySession()
      },
      restart() {
        if (options.store === 'memory') loseEverySession()
      },
      changeClaims(next) {
        claims = { ...claims, ...next }
        pendingClaims = { claims, lag: options.claimsLag ?? 0 }
        if (pendingClaims.lag === 0) {
          fake.setClaims(claims)
          pendingClaims = null
        }
      },
      failNext(count, kind) {
        for (let i = 0; i < count; i++) failures.push(kind)
      },
    },
  }
}
