import type { AuthSnapshot } from 'authchart'

// What the server renders and what the browser hydrates with. A session lives in the browser's
// storage, so the server cannot know it; both sides agreeing on "restoring" avoids a hydration
// mismatch, and React re-renders with the real state right after hydration.
export const serverSnapshot: AuthSnapshot = Object.freeze({
  status: 'restoring',
  session: null,
  user: null,
  claims: null,
  error: null,
})
