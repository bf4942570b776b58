import type { AuthAdapter, AuthError } from 'authchart'
import * as z from 'zod/mini'

/**
 * What `auth.signIn()` takes with Clerk: nothing (adopt the session the user already has, e.g.
 * after Clerk's `<SignIn />`), or a function that signs in through Clerk and resolves once
 * `setActive` has run.
 */
export type ClerkSignIn = () => Promise<unknown>

/** Options for `createClerkAdapter`. */
export interface ClerkAdapterOptions {
  /** The JWT template to request, e.g. `'supabase'` for RLS. Default: Clerk's session token. */
  template?: string
  /**
   * Reload the session (its user and organisation data) before every forced token. Default
   * `true`: claims built from metadata or the active organisation need it. Turn it off only for
   * a template whose claims never depend on them.
   */
  reloadOnForce?: boolean
  /** Count a pending session (open tasks, e.g. choose an organisation) as signed out, as Clerk does. Default `true`. */
  treatPendingAsSignedOut?: boolean
  /**
   * Receives a failure to fetch the token after a Clerk event (an organisation switch, a sign-in
   * elsewhere). The chart keeps its token, and its next refresh fetches a fresh one.
   */
  onEventError?: (error: AuthError) => void
}

/** The adapter `createClerkAdapter` returns. */
// `void` is what lets `auth.signIn()` be called with no argument.
export type ClerkAdapter = AuthAdapter<ClerkSignIn | void> & { readonly refreshesWithoutToken: true }

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function')

export const optionsSchema = z.object({
  template: z.optional(z.string().check(z.minLength(1))),
  reloadOnForce: z.optional(z.boolean()),
  treatPendingAsSignedOut: z.optional(z.boolean()),
  // The time comes from the client (AdapterContext.now). A leftover `clock` is refused rather than
  // ignored: ignored, a test that passed it only here would silently run on two clocks.
  clock: z.optional(
    z.undefined('was removed: the adapter reads the time from the client, so pass clock to createAuthClient instead'),
  ),
  onEventError: z.optional(fn),
})

export const clerkSchema = z.looseObject({ addListener: fn, signOut: fn })
