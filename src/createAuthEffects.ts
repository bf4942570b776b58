import { fromPromise } from 'xstate'
import type { AuthEvent, RefreshInput, RestoreOutput, SessionOutput } from '../machines/AuthContext.js'
import { isNewerSession } from '../machines/sessionTiming.js'
import type { AuthAdapter } from './AuthAdapter.js'
import type { Clock } from './Clock.js'
import { toAdapterError } from './classifyError.js'
import type { RotationRecord, RotationStamp } from './createRotationRecord.js'
import type { SessionStore, StoredSession } from './createSessionStore.js'
import type { TabSync } from './createTabSync.js'
import type { TokenSinks } from './createTokenSinks.js'
import type { AuthError, AuthOperation } from './errors.js'
import { checkFreshSession, parseSession, toInvalidSessionError } from './parseSession.js'
import { type AuthUser, type Session, userSchema } from './Session.js'
import type { TabLocks } from './TabTransport.js'
import { sessionSecrets } from './redactSecrets.js'
import { whileNotAborted } from './whileNotAborted.js'

export interface AuthEffectsOptions {
  adapter: AuthAdapter<unknown>
  store: SessionStore
  clock: Clock
  sinks: TokenSinks
  report: (error: AuthError) => void
  /** Excludes other tabs' refreshes (Web Locks, or an in-tab lock). */
  locks: TabLocks
  lockName: string
  tabSync: TabSync
  /** The profile's strongly consistent record of the latest session (IndexedDB), if any. */
  rotation: RotationRecord | null
}

/** What `authMachine.provide()` is given: the chart's effects, bound to one client. */
export type AuthEffects = ReturnType<typeof createAuthEffects>

function abortedError(): Error {
  return new DOMException('the operation was aborted', 'AbortError')
}

/**
 * Builds the actors and actions the pure chart declares: adapter calls with their failures
 * classified, parsing of everything the adapter returns, storage writes that finish before the
 * chart announces a new session, and the token sinks.
 *
 * @example
 * const machine = authMachine.provide(createAuthEffects({ adapter, store, clock, sinks, report }))
 */
export function createAuthEffects({
  adapter,
  store,
  clock,
  sinks,
  report,
  locks,
  lockName,
  tabSync,
  rotation,
}: AuthEffectsOptions) {
  // The adapters' one time source (AdapterContext.now): the client's clock, read when they need it.
  const now = () => clock.now()
  // `secrets`: the tokens the adapter was given, which its error must not carry out.
  const call = async <T>(operation: AuthOperation, run: () => Promise<T>, secrets: string[] = []): Promise<T> => {
    try {
      return await run()
    } catch (error) {
      throw toAdapterError(operation, error, adapter.classify?.bind(adapter), secrets)
    }
  }

  // The new session is stored before the chart hears of it: a reload right after a rotation must
  // find the new refresh token, not the spent one. A storage failure keeps the session in memory
  // and is reported, because losing a valid session to a full disk would be worse.
  const storeSession = async (session: Session, refreshTokenAt: number | null, signal: AbortSignal) => {
    if (signal.aborted) throw abortedError()
    const storageError = await store.write(session, refreshTokenAt).then(
      () => null,
      (error: AuthError) => error,
    )
    return { session, refreshTokenAt, storageError } satisfies SessionOutput
  }

  // Another tab rotated when the record's fingerprint is not our refresh token's and our session
  // is not strictly newer. A tie goes to the record: two sessions issued in the same second share
  // `exp` and `iat`, and trusting ours then would spend a token the other tab already rotated.
  const rotatedElsewhere = async (held: Session, stamp: RotationStamp | null, record: RotationRecord) => {
    if (stamp === null || stamp.fingerprint === (await record.fingerprint(held.refreshToken))) return false
    const ours = held.claims.iat ?? 0
    return !(held.expiresAt > stamp.expiresAt || (held.expiresAt === stamp.expiresAt && ours > (stamp.iat ?? 0)))
  }

  // The session the record names, from the store. The record has only a fingerprint, and the
  // other tab's store write may not be visible yet (Chromium, just after a lock release): wait for
  // it in short steps, bounded by the request timeout that aborts `signal`. The other tab's
  // broadcast usually arrives first and ends this refresh with its session.
  const storedRotation = async (stamp: RotationStamp, record: RotationRecord, signal: AbortSignal) => {
    for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
      const { stored } = await store.read()
      if (stored && (await record.fingerprint(stored.session.refreshToken)) === stamp.fingerprint) return stored
      if (signal.aborted) throw abortedError()
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          clock.clearTimeout(timer)
          resolve()
        }
        const timer = clock.setTimeout(() => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }, wait)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
  }

  // The session to refresh from, read under the lock: the rotation another tab made, or a newer
  // stored one, or ours. A failing record is reported and the store still answers.
  const readLatest = async (held: Session, signal: AbortSignal): Promise<StoredSession | null> => {
    if (rotation) {
      const stamp = await rotation.read().catch((error: AuthError) => {
        report(error)
        return null
      })
      if (stamp && (await rotatedElsewhere(held, stamp, rotation))) return storedRotation(stamp, rotation, signal)
    }
    const { stored } = await store.read()
    return stored && stored.session.refreshToken !== held.refreshToken && !isNewerSession(held, stored.session)
      ? stored
      : null
  }
  const recordRotation = async (output: SessionOutput) => {
    await rotation?.write(output.session, output.refreshTokenAt).catch(report)
  }

  // Runs while this tab holds the refresh lock.
  const refreshUnderLock = async (input: RefreshInput, signal: AbortSignal): Promise<SessionOutput> => {
    // Another tab may have refreshed while this one waited: with rotation, the refresh
    // token this tab holds is then spent, and sending it would revoke the whole family.
    const stored = await readLatest(input.session, signal)
    const current = stored ?? { session: input.session, refreshTokenAt: input.refreshTokenAt }
    // Timed out while reading: the lock is already released, and another tab may be sending
    // this very refresh token.
    if (signal.aborted) throw abortedError()
    if (stored === null || input.force) {
      const held = current.session
      const raw = await call(
        'refresh',
        () => adapter.refresh(held, { signal, now, force: input.force }),
        sessionSecrets(held, input.session),
      )
      const parsed = checkFreshSession(parseSession(raw, 'refresh response'), clock.now(), 'refresh response')
      const rotated = parsed.refreshToken !== undefined && parsed.refreshToken !== held.refreshToken
      // A backend that does not rotate may omit the refresh token; keep the one we have.
      const session = rotated ? parsed : { ...parsed, refreshToken: held.refreshToken }
      const output = await storeSession(session, rotated ? clock.now() : current.refreshTokenAt, signal)
      // Recorded before the lock is released, so the next holder cannot miss the rotation.
      await recordRotation(output)
      return output
    }
    return { session: stored.session, refreshTokenAt: stored.refreshTokenAt, storageError: null }
  }

  return {
    actors: {
      restoreSession: fromPromise<RestoreOutput>(async ({ signal }) => {
        const { stored, error } = await store.read()
        if (stored) return { session: stored.session, refreshTokenAt: stored.refreshTokenAt, error }
        if (!adapter.restore) return { session: null, refreshTokenAt: null, error }
        const restore = adapter.restore.bind(adapter)
        const raw = await call('restore', () => restore({ signal, now }))
        if (raw === null) return { session: null, refreshTokenAt: null, error }
        return { session: parseSession(raw, 'restored session'), refreshTokenAt: null, error }
      }),

      validateSession: fromPromise<{ user?: AuthUser | undefined }, { session: Session }>(async ({ input, signal }) => {
        if (!adapter.validate) return {}
        const validate = adapter.validate.bind(adapter)
        const result = await call(
          'validate',
          () => validate(input.session, { signal, now }),
          sessionSecrets(input.session),
        )
        if (!result || result.user === undefined) return {}
        const parsed = userSchema.safeParse(result.user)
        if (!parsed.success) throw toInvalidSessionError('validated user', parsed.error)
        return { user: parsed.data as AuthUser }
      }),

      signInWithCredentials: fromPromise<SessionOutput, { credentials: unknown }>(async ({ input, signal }) => {
        const raw = await call('signIn', () => adapter.signIn(input.credentials, { signal, now }))
        const session = checkFreshSession(parseSession(raw, 'sign-in response'), clock.now(), 'sign-in response')
        const output = await storeSession(session, clock.now(), signal)
        await recordRotation(output)
        return output
      }),

      refreshSession: fromPromise<SessionOutput, RefreshInput>(({ input, signal }) =>
        // One tab refreshes at a time. The lock wait is bounded by the chart: its request
        // timeout stops this actor, and the aborted signal withdraws the lock request. The hold is
        // bounded the same way: once aborted, the lock is released even if the adapter ignores
        // its signal and never settles, so a hung request cannot block the other tabs.
        locks.request(lockName, { signal }, () => whileNotAborted(signal, () => refreshUnderLock(input, signal))),
      ),

      signOutSession: fromPromise<void, { session: Session | null }>(async ({ input, signal }) => {
        if (input.session === null || !adapter.signOut) return
        const signOut = adapter.signOut.bind(adapter)
        const session = input.session
        await call('signOut', () => signOut(session, { signal, now }), sessionSecrets(session))
      }),
    },
    actions: {
      syncSinks: ({ context }: { context: { session: Session | null } }) => {
        sinks.push(context.session?.accessToken ?? null)
      },
      clearStoredSession: () => {
        store.clear().then(undefined, report)
        rotation?.clear().then(undefined, report)
      },
      storeSession: ({ context }: { context: { session: Session | null; refreshTokenAt: number | null } }) => {
        if (context.session) store.write(context.session, context.refreshTokenAt).then(undefined, report)
      },
      announceSession: ({ context }: { context: { session: Session | null; refreshTokenAt: number | null } }) => {
        if (context.session) tabSync.announceSession(context.session, context.refreshTokenAt)
      },
      announceSignOut: () => tabSync.announceSignOut(),
    },
  }
}

/** The event a failed effect is reported with. */
export function effectFailed(error: AuthError): AuthEvent {
  return { type: 'effect.failed', error }
}
