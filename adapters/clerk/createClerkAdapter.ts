import { createClerkExpiry } from './createClerkExpiry.js'
import { endedReason, rejected, relabel } from './clerkErrors.js'
import {
  type AdapterContext,
  AdapterError,
  type AuthOperation,
  InvalidOptionsError,
  InvalidSessionError,
  type SessionInput,
  whileNotAborted,
} from 'authchart'
import type { ClerkLike, ClerkSessionLike } from './ClerkLike.js'
import { type ClerkAdapter, type ClerkAdapterOptions, clerkSchema, optionsSchema } from './ClerkAdapterOptions.js'
import { classifyClerkError, toClerkAdapterError } from './classifyClerkError.js'
import {
  type ClerkSessionData,
  type ClerkTokenData,
  parseClerkSession,
  parseClerkToken,
  sessionKeyOf,
} from './parseClerkSession.js'
import { waitForClerkLoad } from './waitForClerkLoad.js'

// A signal for work several callers share: one caller's abort must not cancel the others' fetch.
const NEVER_ABORTED = new AbortController().signal

interface FoundSession {
  session: ClerkSessionLike
  data: ClerkSessionData
}

/**
 * Creates the `AuthAdapter` for Clerk: the chart's tokens come from `session.getToken()`, Clerk
 * keeps the session (there is no refresh token in JavaScript), and Clerk's own events (a sign-out
 * in another tab, an organisation switch) reach the chart through `subscribe`.
 *
 * A forced refresh (`auth.refresh({ force: true })`, or with `until`) reloads the session and
 * asks Clerk for a token with `skipCache: true`, so claims built from metadata or the active
 * organisation are current: the replacement for `session.reload()` plus a fixed sleep.
 *
 * @example
 * import { createAuthClient, createMemoryStorage } from 'authchart'
 * import { createClerkAdapter } from 'authchart/clerk'
 *
 * await clerk.load()
 * const auth = createAuthClient({
 *   adapter: createClerkAdapter(clerk, { template: 'supabase' }),
 *   storage: createMemoryStorage(), // Clerk already persists the session
 * }).start()
 * // After the API set publicMetadata.activeOrgId: wait for a token that carries it, then navigate.
 * const activeOrgId = (c: Claims) => (c.metadata as { activeOrgId?: string } | undefined)?.activeOrgId
 * await auth.refresh({ force: true, until: (c) => activeOrgId(c) === orgId, description: 'activeOrgId is set' })
 * window.location.href = '/dashboard'
 */
export function createClerkAdapter(clerk: ClerkLike, options: ClerkAdapterOptions = {}): ClerkAdapter {
  if (!clerkSchema.safeParse(clerk).success) {
    throw new InvalidOptionsError('createClerkAdapter: clerk must be a Clerk instance (addListener, signOut)')
  }
  const parsed = optionsSchema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InvalidOptionsError(
      `createClerkAdapter options: ${issue?.path.join('.') || 'options'} ${issue?.message ?? 'is invalid'}`,
      { cause: parsed.error },
    )
  }
  const template = parsed.data.template
  const reloadOnForce = parsed.data.reloadOnForce ?? true
  const treatPendingAsSignedOut = parsed.data.treatPendingAsSignedOut ?? true
  const onEventError = options.onEventError

  const expiry = createClerkExpiry()
  // Set when a Clerk event could not be turned into a token: the chart may hold a token of the
  // previous organisation or session, so its next refresh must not be answered from Clerk's cache.
  let stale = false
  const shared = new Map<string, Promise<SessionInput>>()

  const call = async <T>(operation: AuthOperation, signal: AbortSignal, run: () => Promise<T>): Promise<T> => {
    if (signal.aborted) throw signal.reason
    try {
      return await whileNotAborted(signal, run)
    } catch (error) {
      // An abort is the chart's own doing (a sign-out), not a Clerk failure to classify.
      if (signal.aborted) throw signal.reason
      throw toClerkAdapterError(operation, error)
    }
  }

  const signedIn = (session: ClerkSessionLike): FoundSession | null => {
    const data = parseClerkSession(session)
    const ok = data.status === 'active' || (data.status === 'pending' && !treatPendingAsSignedOut)
    return ok ? { session, data } : null
  }

  const readSession = (operation: AuthOperation): FoundSession | null => {
    const session = clerk.session
    if (session === undefined) {
      throw new AdapterError(operation, 'transient', {
        message: `${operation} failed (transient): Clerk has not loaded`,
      })
    }
    return session === null ? null : signedIn(session)
  }

  const fetchToken = async (
    session: ClerkSessionLike,
    skipCache: boolean,
    signal: AbortSignal,
    operation: AuthOperation,
  ): Promise<ClerkTokenData> => {
    const raw = await call(operation, signal, () =>
      session.getToken(template === undefined ? { skipCache } : { template, skipCache }),
    )
    const token = parseClerkToken(raw)
    if (token === null) {
      // A session that ran out (`expired`) says nothing more; one ended on purpose was revoked.
      const { status } = session
      throw rejected(operation, `Clerk returned no token; the session has ended (${status})`, endedReason(status))
    }
    return token
  }

  // `now` is the client's clock (AdapterContext.now): Clerk's expiry is placed on it.
  const issue = async (
    found: FoundSession,
    mode: { force: boolean; fresh: boolean },
    { signal, now }: AdapterContext,
    operation: AuthOperation,
  ): Promise<SessionInput> => {
    const { session } = found
    if (mode.force && reloadOnForce) await call(operation, signal, () => session.reload())
    const skipCache = mode.force || mode.fresh || !expiry.measured
    let token = await fetchToken(session, skipCache, signal, operation)
    let expiresAt = expiry.expiryOf(token, skipCache, now())
    // The chart asks only when its token is due, and Clerk keeps serving a cached token until
    // 15 s before expiry: without this, the answer could be a token due on arrival, and the chart
    // would back off as from a failure. More than half its life left is never due for the chart.
    if (!skipCache && expiresAt - now() <= ((token.exp - token.iat) * 1000) / 2) {
      token = await fetchToken(session, true, signal, operation)
      expiresAt = expiry.expiryOf(token, true, now())
    }
    // Read after the reload: the user may have changed with it.
    const user = parseClerkSession(session).user
    if (user === null) throw new InvalidSessionError('Clerk session has no user', { field: 'user' })
    if (mode.force || mode.fresh) stale = false
    return { accessToken: token.token, expiresAt, user }
  }

  // Restore, sign-in and Clerk's own events can ask for the same session's token at once (the
  // listener fires as the client starts); they share one fetch.
  const freshSession = (
    found: FoundSession,
    { signal, now }: AdapterContext,
    operation: AuthOperation,
  ): Promise<SessionInput> => {
    const key = sessionKeyOf(found.data)
    let pending = shared.get(key)
    if (pending === undefined) {
      pending = issue(found, { force: false, fresh: true }, { signal: NEVER_ABORTED, now }, operation).finally(() => {
        shared.delete(key)
      })
      shared.set(key, pending)
    }
    return whileNotAborted(signal, () => pending).catch((error: unknown) => {
      throw relabel(error, operation)
    })
  }

  const loaded = (operation: AuthOperation, signal: AbortSignal) =>
    call(operation, signal, () => waitForClerkLoad(clerk, signal))

  return {
    name: 'clerk',
    refreshesWithoutToken: true,

    async signIn(credentials, ctx) {
      const { signal } = ctx
      if (credentials !== undefined) {
        if (typeof credentials !== 'function') {
          throw new InvalidOptionsError('Clerk signIn: pass nothing, or a function that signs in with Clerk')
        }
        await call('signIn', signal, credentials)
      }
      await loaded('signIn', signal)
      const found = readSession('signIn')
      if (found === null) throw rejected('signIn', 'Clerk has no active session; sign in with Clerk first')
      return freshSession(found, ctx, 'signIn')
    },

    async refresh(_session, ctx) {
      const { force } = ctx
      const found = readSession('refresh')
      // Signed out in Clerk (here, in another tab, or revoked on the server): the session is gone.
      if (found === null) {
        const status = clerk.session?.status ?? 'signed out'
        throw rejected(
          'refresh',
          `Clerk has no active session (${status})`,
          endedReason(clerk.session?.status ?? 'ended'),
        )
      }
      if (!force && !stale) return issue(found, { force: false, fresh: false }, ctx, 'refresh')
      return issue(found, { force, fresh: true }, ctx, 'refresh')
    },

    async validate(session, { signal }) {
      await loaded('validate', signal)
      const found = readSession('validate')
      if (found === null) throw rejected('validate', 'Clerk has no active session')
      if (found.data.user?.id !== session.user.id) throw rejected('validate', 'the Clerk session is for another user')
      return { user: found.data.user }
    },

    async signOut(_session, { signal }) {
      const current = clerk.session
      await call('signOut', signal, () => (current ? clerk.signOut({ sessionId: current.id }) : clerk.signOut()))
    },

    async restore(ctx) {
      await loaded('restore', ctx.signal)
      const found = readSession('restore')
      return found === null ? null : freshSession(found, ctx, 'restore')
    },

    classify: classifyClerkError,

    subscribe(listener, { now }) {
      let generation = 0
      let lastKey: string | undefined
      const fail = (error: unknown) => {
        stale = true
        lastKey = undefined
        const failure = toClerkAdapterError('refresh', error)
        // The chart records it (snapshot.error, an `error` event); the option is for apps that
        // want to act on it themselves.
        listener({ type: 'error', error: failure })
        onEventError?.(failure)
      }
      const unsubscribe = clerk.addListener((emission) => {
        // `undefined` means Clerk is still loading: nothing is known yet, in particular not "signed out".
        if (emission.session === undefined) return
        let found: FoundSession | null
        try {
          found = emission.session === null ? null : signedIn(emission.session)
        } catch (error) {
          fail(error)
          return
        }
        const key = found === null ? 'signed-out' : sessionKeyOf(found.data)
        if (key === lastKey) return
        lastKey = key
        generation += 1
        const current = generation
        if (found === null) {
          listener({ type: 'signedOut' })
          return
        }
        // A fresh token, so the chart sees it as newer than the one it holds (switching back to an
        // organisation would otherwise bring back Clerk's older cached token for it).
        freshSession(found, { signal: NEVER_ABORTED, now }, 'refresh').then(
          (session) => {
            if (current === generation) listener({ type: 'sessionChanged', session })
          },
          (error: unknown) => {
            if (current === generation) fail(error)
          },
        )
      })
      return () => {
        generation += 1
        unsubscribe()
      }
    },
  }
}
