// Packages the docs' snippets import that authchart neither depends on nor installs for its
// tests. Each is declared with the real package's signature, from the types the repo does have.

declare module '@clerk/nextjs' {
  import type { LoadedClerk } from '@clerk/types'

  /** As in @clerk/nextjs (and @clerk/clerk-react): the loaded Clerk instance of the page. */
  export function useClerk(): LoadedClerk
}
