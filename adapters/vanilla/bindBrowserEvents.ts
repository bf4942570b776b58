import type { AuthClient } from 'authchart'

/** The parts of `window` the bindings listen to; a jsdom window or a stub will do. */
export interface BrowserWindow {
  addEventListener(type: 'online' | 'offline', listener: () => void): void
  removeEventListener(type: 'online' | 'offline', listener: () => void): void
  /** Read once when binding: a page opened offline starts offline. */
  navigator?: { readonly onLine?: boolean }
  document: {
    readonly visibilityState: DocumentVisibilityState
    addEventListener(type: 'visibilitychange', listener: () => void): void
    removeEventListener(type: 'visibilitychange', listener: () => void): void
  }
}

/** Options of {@link bindBrowserEvents}. */
export interface BrowserEventsOptions {
  /** The window to listen on. Default: the global `window`, read at call time; none on a server. */
  window?: BrowserWindow
}

/**
 * Tells the client what the browser sees, through `auth.notify`: the page became visible again
 * (`'visible'`), the network went away or came back (`'offline'`, `'online'`). A device that
 * slept, or a background tab whose timers the browser throttled, may hold a token that is due or
 * past expiry; the check refreshes it at once instead of at the next timer tick, so the page's
 * first request after waking carries a valid token. A token that is not due makes it a no-op.
 *
 * While offline, a refresh that failed waits at least the longest backoff delay; `online` brings
 * it back to its own backoff (never shorter: no event cuts a backoff short).
 *
 * Returns the function that removes the listeners. Without a window (server rendering) it binds
 * nothing.
 *
 * @example
 * const auth = createAuthClient({ adapter }).start()
 * const unbind = bindBrowserEvents(auth)
 * // tests: bindBrowserEvents(auth, { window: new JSDOM('').window })
 */
export function bindBrowserEvents(client: Pick<AuthClient, 'notify'>, options: BrowserEventsOptions = {}): () => void {
  const win = options.window ?? (typeof window === 'undefined' ? undefined : window)
  if (win === undefined) return () => undefined
  const onVisibilityChange = () => {
    if (win.document.visibilityState === 'visible') client.notify('visible')
  }
  const onOffline = () => client.notify('offline')
  const onOnline = () => client.notify('online')
  // The client may keep what an earlier binding said: say where the network is now.
  client.notify(win.navigator?.onLine === false ? 'offline' : 'online')
  win.document.addEventListener('visibilitychange', onVisibilityChange)
  win.addEventListener('offline', onOffline)
  win.addEventListener('online', onOnline)
  return () => {
    win.document.removeEventListener('visibilitychange', onVisibilityChange)
    win.removeEventListener('offline', onOffline)
    win.removeEventListener('online', onOnline)
    // Unbound, nothing would ever say `online` again: leave the chart on its normal backoff.
    client.notify('online')
  }
}
