export type { ClerkEmission, ClerkLike, ClerkSessionLike, ClerkUserLike } from './ClerkLike.js'
export { classifyClerkError } from './classifyClerkError.js'
export type { ClerkAdapter, ClerkAdapterOptions, ClerkSignIn } from './ClerkAdapterOptions.js'
export { createClerkAdapter } from './createClerkAdapter.js'
