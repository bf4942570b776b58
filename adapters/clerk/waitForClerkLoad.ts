import { whileNotAborted } from 'authchart'
import type { ClerkLike } from './ClerkLike.js'

/**
 * Resolves once Clerk has loaded. `@clerk/nextjs` and `@clerk/clerk-react` hand out the Clerk
 * object before `clerk-js` has finished loading; until then `clerk.session` is `undefined`,
 * which means "not known yet", not "signed out". Clerk calls its listeners when it loads.
 *
 * @example
 * await waitForClerkLoad(clerk, signal)
 * clerk.session // now null or a session, never undefined
 */
export function waitForClerkLoad(clerk: ClerkLike, signal: AbortSignal): Promise<void> {
  if (clerk.loaded) return Promise.resolve()
  let unsubscribe: (() => void) | undefined
  let done = false
  const loaded = new Promise<void>((resolve) => {
    const check = () => {
      if (done || !clerk.loaded) return
      done = true
      unsubscribe?.()
      resolve()
    }
    unsubscribe = clerk.addListener(check)
    // The listener may have run inside addListener, before `unsubscribe` was assigned.
    if (done) unsubscribe()
    else check()
  })
  return whileNotAborted(signal, () => loaded).finally(() => {
    if (!done) {
      done = true
      unsubscribe?.()
    }
  })
}
