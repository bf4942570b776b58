import type { AuthEvent, RefreshInput, RestoreOutput, SessionOutput } from '../machines/AuthContext.js'
import { isNewerSession } from '../machines/sessionTiming.js'
import type { AdapterSessionEvent, AuthAdapter } from './AuthAdapter.js'
import type { Clock } from './Clock.js'
import { toAdapterError } from './classifyError.js'
import type { RotationRecord, RotationStamp } from './createRotationRecord.js'
import type { SessionStore, StoredSession } from './createSessionStore.js'
import { createTabSync, type TabSync } from './createTabSync.js'
import type { TokenSinks } from './createTokenSinks.js'
import { AuthError, type AuthOperation } from './errors.js'
import { checkFreshSession, parseSession, toInvalidSessionError } from './parseSession.js'
import { type AuthUser, type Session, userSchema } from './Session.js'
import type { ResolvedTabs } from './resolveTabs.js'
import { sessionSecrets } from './redactSecrets.js'
import { whileNotAborted } from './whileNotAborted.js'

export interface AuthEffectsOptions {
  adapter: AuthAdapter<unknown>
  store: SessionStore
  clock: Clock
  sinks: TokenSinks
  report: (error: AuthError) => void
  /** Sends an event to the chart (a session from another tab or from the adapter's SDK). */
  send: (event: AuthEvent) => void
  /**
   * The tab channel, the lock that excludes other tabs' refreshes (Web Locks, or an in-tab lock),
   * and the profile's strongly consistent record of the latest session (IndexedDB), if any.
   */
  tabs: ResolvedTabs
  storageKey: string
}

// Made when the tab starts listening, not per client: a client that never starts costs none.
const newTabId = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`

/** One client's effects: what the shared chart's actors and actions call for that client. */
export type AuthEffects = ReturnType<typeof createAuthEffects>

/** What an effect actor is called with: its input and the signal that aborts it. */
interface EffectCall<Input> {
  input: Input
  signal: AbortSignal
}

// Thrown only on a signal already aborted: the chart has stopped the actor (its result is dropped)
// and, under the lock, whileNotAborted has already rejected with the signal's reason. No caller
// sees this error; it only ends the work.
// Stryker disable next-line BlockStatement: equivalent, no caller reads the error (see above)
function abortedError(): Error {
  // Stryker disable next-line StringLiteral: equivalent, no caller reads the error (see above)
  return new DOMException('the operation was aborted', 'AbortError')
}

/**
 * Builds the actors and actions the pure chart declares: adapter calls with their failures
 * classified, parsing of everything the adapter returns, storage writes that finish before the
 * chart announces a new session, and the token sinks.
 *
 * @example
 * const actor = createChartActor(createAuthEffects({ adapter, store, clock, sinks, report, ... }), { input })
 */
export function createAuthEffects({
  adapter,
  store,
  clock,
  sinks,
  report,
  send,
  tabs,
  storageKey,
}: AuthEffectsOptions) {
  const { locks, rotation } = tabs
  const lockName = `authchart:refresh:${storageKey}`
  // The adapters' one time source (AdapterContext.now): the client's clock, read when they need it.
  const now = () => clock.now()
  // `secrets`: the tokens the adapter was given, which its error must not carry out.
  // Stryker disable next-line ArrayDeclaration: equivalent, a seeded "Stryker was here" secret is text no adapter error holds
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
          // Stryker disable next-line StringLiteral: equivalent, a listener left behind would, on a later abort, clear a timer that already fired and resolve a settled promise
          signal.removeEventListener('abort', onAbort)
          resolve()
        }, wait)
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, an AbortSignal fires 'abort' once
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

  // The tab channel: this tab's sessions and sign-outs go out, the other tabs' come in (checked).
  // Open only while the chart runs `watchSessionChanges`: before start() and after stop() this
  // tab neither hears nor speaks.
  let tabSync: TabSync | null = null
  const syncTabs = () => {
    const failed = (error: AuthError) => send(effectFailed(error))
    const sync = createTabSync(tabs, storageKey, newTabId(), {
      onSession: (session, refreshTokenAt) => {
        try {
          checkFreshSession(session, clock.now(), 'session from another tab')
        } catch (error) {
          failed(error as AuthError)
          return
        }
        send({ type: 'tab.sessionChanged', session, refreshTokenAt, origin: 'tab' })
      },
      onSignedOut: () => send({ type: 'tab.signedOut', origin: 'tab' }),
      report: failed,
    })
    tabSync = sync
    return () => {
      tabSync = null
      sync.close()
    }
  }

  // Session changes made by the backend's own SDK (`adapter.subscribe`), parsed.
  const watchAdapter = () =>
    adapter.subscribe?.(
      (event: AdapterSessionEvent) => {
        if (event.type === 'error') {
          send(effectFailed(toAdapterError('refresh', event.error, adapter.classify?.bind(adapter))))
        } else if (event.type === 'signedOut') {
          send({ type: 'tab.signedOut', origin: 'adapter' })
        } else {
          try {
            const what = 'session from adapter.subscribe'
            const session = checkFreshSession(parseSession(event.session, what), clock.now(), what)
            send({ type: 'tab.sessionChanged', session, refreshTokenAt: clock.now(), origin: 'adapter' })
          } catch (error) {
            send(
              effectFailed(error instanceof AuthError ? error : new AuthError('bad adapter event', { cause: error })),
            )
          }
        }
      },
      { now },
    )

  return {
    actors: {
      restoreSession: async ({ signal }: { signal: AbortSignal }): Promise<RestoreOutput> => {
        const { stored, error } = await store.read()
        if (stored) return { session: stored.session, refreshTokenAt: stored.refreshTokenAt, error }
        if (!adapter.restore) return { session: null, refreshTokenAt: null, error }
        const restore = adapter.restore.bind(adapter)
        const raw = await call('restore', () => restore({ signal, now }))
        if (raw === null) return { session: null, refreshTokenAt: null, error }
        return { session: parseSession(raw, 'restored session'), refreshTokenAt: null, error }
      },

      validateSession: async ({
        input,
        signal,
      }: EffectCall<{ session: Session }>): Promise<{ user?: AuthUser | undefined }> => {
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
      },

      signInWithCredentials: async ({
        input,
        signal,
      }: EffectCall<{ credentials: unknown }>): Promise<SessionOutput> => {
        const raw = await call('signIn', () => adapter.signIn(input.credentials, { signal, now }))
        const session = checkFreshSession(parseSession(raw, 'sign-in response'), clock.now(), 'sign-in response')
        const output = await storeSession(session, clock.now(), signal)
        await recordRotation(output)
        return output
      },

      refreshSession: ({ input, signal }: EffectCall<RefreshInput>): Promise<SessionOutput> =>
        // One tab refreshes at a time. The lock wait is bounded by the chart: its request
        // timeout stops this actor, and the aborted signal withdraws the lock request. The hold is
        // bounded the same way: once aborted, the lock is released even if the adapter ignores
        // its signal and never settles, so a hung request cannot block the other tabs.
        locks.request(lockName, { signal }, () => whileNotAborted(signal, () => refreshUnderLock(input, signal))),

      signOutSession: async ({ input, signal }: EffectCall<{ session: Session | null }>): Promise<void> => {
        if (input.session === null || !adapter.signOut) return
        const signOut = adapter.signOut.bind(adapter)
        const session = input.session
        await call('signOut', () => signOut(session, { signal, now }), sessionSecrets(session))
      },

      // Session changes from outside this chart, for as long as it runs: the other tabs' and the
      // backend SDK's. Settles never; the chart's stop aborts it, which closes both. One actor for
      // both, as each invoked actor costs a client about 2 KB of heap.
      watchSessionChanges: ({ signal }: { signal: AbortSignal }) =>
        new Promise<never>(() => {
          const closeTabs = syncTabs()
          const unsubscribe = watchAdapter()
          signal.addEventListener(
            'abort',
            () => {
              unsubscribe?.()
              closeTabs()
            },
            // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, an AbortSignal fires 'abort' once
            { once: true },
          )
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
      announceSession: ({ context }: { context: { session: Session | null; refreshTokenAt: number | null } }) => {
        // Stryker disable next-line OptionalChaining: equivalent, the chart runs watchSessionChanges (which sets tabSync) from its start to its stop, and actions run only in between
        if (context.session) tabSync?.announceSession(context.session, context.refreshTokenAt)
      },
      // Stryker disable next-line OptionalChaining: equivalent, as for announceSession above
      announceSignOut: () => tabSync?.announceSignOut(),
      storeSession: ({ context }: { context: { session: Session | null; refreshTokenAt: number | null } }) => {
        if (context.session) store.write(context.session, context.refreshTokenAt).then(undefined, report)
      },
    },
  }
}

/** The event a failed effect is reported with. */
export function effectFailed(error: AuthError): AuthEvent {
  return { type: 'effect.failed', error }
}
