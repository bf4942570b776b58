import type { Clerk, SessionResource, UnsubscribeCallback, UserResource } from '@clerk/types'

/**
 * The part of a Clerk user the adapter reads. A real `UserResource` is one; member types come
 * from `@clerk/types`, so a change in Clerk's types shows up as a type error here.
 */
export interface ClerkUserLike {
  id: UserResource['id']
  primaryEmailAddress: { emailAddress: string } | null
}

/**
 * The part of a Clerk session (`clerk.session`) the adapter uses: `getToken` for tokens and
 * `reload` to pull fresh user and organisation data before a forced token.
 */
export interface ClerkSessionLike {
  id: SessionResource['id']
  status: SessionResource['status']
  lastActiveOrganizationId: SessionResource['lastActiveOrganizationId']
  user: ClerkUserLike | null
  getToken: SessionResource['getToken']
  reload: () => Promise<unknown>
}

/** What Clerk's `addListener` callback receives, as far as the adapter reads it. */
export interface ClerkEmission {
  /** `undefined` while Clerk is loading, `null` when signed out. */
  session?: ClerkSessionLike | null | undefined
}

/**
 * The part of the Clerk object (`window.Clerk`, `useClerk()`, `new Clerk(key)` after `load()`)
 * the adapter uses. A real `Clerk` / `LoadedClerk` from `@clerk/types` is assignable to it; the
 * tests check that, and that the fake Clerk implements it.
 */
export interface ClerkLike {
  loaded: Clerk['loaded']
  session: ClerkSessionLike | null | undefined
  signOut: Clerk['signOut']
  addListener: (callback: (emission: ClerkEmission) => void) => UnsubscribeCallback
}
