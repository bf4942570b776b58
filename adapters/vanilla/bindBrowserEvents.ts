import type { AuthClient } from 'authchart'

/** The parts of `window` the bindings listen to; a jsdom window or a stub will do. */
export interface BrowserWindow {
  addEventListener(type: 'online', listener: () => void): void
  removeEventListener(type: 'online', listener: () => void): void
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
 * Tells the chart to look at its session when the page becomes visible again or the network
 * comes back (`session.check`). A device that slept, or a background tab whose timers the
 * browser throttled, may hold a token that is due or past expiry; the check refreshes it at
 * once instead of at the next timer tick, so the page's first request after waking carries a
 * valid token. A token that is not due makes the check a no-op.
 *
 * Returns the function that removes the listeners. Without a window (server rendering) it binds
 * nothing.
 *
 * @example
 * const auth = createAuthClient({ adapter }).start()
 * const unbind = bindBrowserEvents(auth)
 * // tests: bindBrowserEvents(auth, { window: new JSDOM('').window })
 */
export function bindBrowserEvents(client: Pick<AuthClient, 'actor'>, options: BrowserEventsOptions = {}): () => void {
  const win = options.window ?? (typeof window === 'undefined' ? undefined : window)
  if (win === undefined) return () => undefined
  const check = () => {
    // A stopped client has nothing to check; XState would only warn about the event.
    if (client.actor.getSnapshot().status === 'active') client.actor.send({ type: 'session.check' })
  }
  const onVisibilityChange = () => {
    if (win.document.visibilityState === 'visible') check()
  }
  win.document.addEventListener('visibilitychange', onVisibilityChange)
  win.addEventListener('online', check)
  return () => {
    win.document.removeEventListener('visibilitychange', onVisibilityChange)
    win.removeEventListener('online', check)
  }
}
