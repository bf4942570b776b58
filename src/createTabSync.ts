import * as z from 'zod/mini'
import { decodeStoredSession } from './createSessionStore.js'
import { AuthError, InvalidSessionError } from './errors.js'
import { parseSession } from './parseSession.js'
import type { ResolvedTabs } from './resolveTabs.js'
import type { Session } from './Session.js'
import { userSchema } from './Session.js'

/** The wire version of tab messages; a tab running another version is ignored, and reported. */
export const TAB_PROTOCOL = 1

const messageSchema = z.union([
  z.object({
    v: z.literal(TAB_PROTOCOL),
    from: z.string(),
    type: z.literal('session'),
    accessToken: z.string(),
    refreshToken: z.optional(z.string()),
    idToken: z.optional(z.string()),
    expiresAt: z.number(),
    user: userSchema,
    refreshTokenAt: z.nullable(z.number()),
  }),
  z.object({ v: z.literal(TAB_PROTOCOL), from: z.string(), type: z.literal('signedOut') }),
])

export interface TabSyncHandlers {
  onSession(session: Session, refreshTokenAt: number | null): void
  onSignedOut(): void
  report(error: AuthError): void
}

export interface TabSync {
  announceSession(session: Session, refreshTokenAt: number | null): void
  announceSignOut(): void
  close(): void
}

interface WindowLike {
  addEventListener(type: 'storage', listener: (event: { key: string | null; newValue: string | null }) => void): void
  removeEventListener(type: 'storage', listener: (event: { key: string | null; newValue: string | null }) => void): void
  localStorage?: { setItem(key: string, value: string): void }
}

function versionOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as { v?: unknown }).v : undefined
}

/**
 * Carries session changes between tabs: every message is parsed with zod; a message from
 * another protocol version or a malformed one is ignored and reported. Where there is no
 * `BroadcastChannel`, the `storage` event of the shared store is the (weaker) fallback.
 *
 * @example
 * const sync = createTabSync(resolveTabs(true, key, localStorage), key, tabId, { onSession, onSignedOut, report })
 * sync.announceSession(session, refreshTokenAt)
 */
export function createTabSync(
  tabs: ResolvedTabs,
  storageKey: string,
  tabId: string,
  handlers: TabSyncHandlers,
): TabSync {
  const { channel } = tabs
  const onMessage = ({ data }: { data: unknown }) => {
    const parsed = messageSchema.safeParse(data)
    if (!parsed.success) {
      const version = versionOf(data)
      const why =
        version !== undefined && version !== TAB_PROTOCOL
          ? `a tab message of protocol version ${String(version)} (this tab speaks ${TAB_PROTOCOL}) was ignored`
          : 'a malformed tab message was ignored'
      handlers.report(new InvalidSessionError(why, { cause: parsed.error }))
      return
    }
    const message = parsed.data
    if (message.from === tabId) return
    if (message.type === 'signedOut') {
      handlers.onSignedOut()
      return
    }
    try {
      const { accessToken, refreshToken, idToken, expiresAt, user, refreshTokenAt } = message
      handlers.onSession(
        parseSession({ accessToken, refreshToken, idToken, expiresAt, user }, 'session from another tab'),
        refreshTokenAt,
      )
    } catch (error) {
      handlers.report(error instanceof AuthError ? error : new AuthError('bad tab message', { cause: error }))
    }
  }
  channel?.addEventListener('message', onMessage)

  const win = tabs.storageEvents ? (globalThis as unknown as WindowLike) : null
  // Without a channel, a removed session key is ambiguous: a sign-out, or a tab whose session
  // ended (`expired` clears the store too). Read as a sign-out, another tab's expiry would sign
  // this tab out with no reason shown. So a sign-out also writes this key, and only that signs
  // the other tabs out, as the channel's `signedOut` does; a removal alone is left to each tab's
  // own next refresh, as with the channel.
  const signOutKey = `${storageKey}:signedOut`
  let signOuts = 0
  const onStorage = (event: { key: string | null; newValue: string | null }) => {
    if (event.key === signOutKey) {
      if (event.newValue !== null) handlers.onSignedOut()
      return
    }
    if (event.key !== storageKey || event.newValue === null) return
    try {
      const { session, refreshTokenAt } = decodeStoredSession(event.newValue)
      handlers.onSession(session, refreshTokenAt)
    } catch (error) {
      handlers.report(error instanceof AuthError ? error : new AuthError('bad storage event', { cause: error }))
    }
  }
  win?.addEventListener('storage', onStorage)

  const post = (message: z.infer<typeof messageSchema>) => {
    try {
      channel?.postMessage(message)
    } catch (error) {
      handlers.report(new AuthError('could not tell the other tabs', { cause: error }))
    }
  }

  return {
    announceSession(session, refreshTokenAt) {
      const { accessToken, refreshToken, idToken, expiresAt, user } = session
      post({
        v: TAB_PROTOCOL,
        from: tabId,
        type: 'session',
        accessToken,
        refreshToken,
        idToken,
        expiresAt,
        user,
        refreshTokenAt,
      })
    },
    announceSignOut() {
      post({ v: TAB_PROTOCOL, from: tabId, type: 'signedOut' })
      if (!win) return
      signOuts += 1
      try {
        // A new value each time: the storage event fires only when the value changes.
        win.localStorage?.setItem(signOutKey, `${tabId}:${signOuts}`)
      } catch (error) {
        handlers.report(new AuthError('could not tell the other tabs of the sign-out', { cause: error }))
      }
    },
    close() {
      channel?.removeEventListener('message', onMessage)
      channel?.close()
      win?.removeEventListener('storage', onStorage)
    },
  }
}
