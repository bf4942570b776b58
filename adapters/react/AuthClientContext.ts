import type { AuthClient } from 'authchart'
import { createContext } from 'react'

// Holds the client, never its snapshot: a context value change re-renders every consumer, while
// subscribing per hook lets each component re-render only for what it selects.
export const AuthClientContext = createContext<AuthClient<unknown> | null>(null)
AuthClientContext.displayName = 'AuthClientContext'
