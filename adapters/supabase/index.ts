export { classifySupabaseError } from './classifySupabaseError.js'
export type { RealtimeAuthTarget } from './createRealtimeSink.js'
export { createRealtimeSink } from './createRealtimeSink.js'
export type { SupabaseAdapterOptions, SupabaseAuthLike, SupabaseCredentials } from './createSupabaseAdapter.js'
export { createSupabaseAdapter } from './createSupabaseAdapter.js'
export type {
  DiscardingStorage,
  SupabaseClientOptionsOptions,
  SupabaseTokenSource,
} from './createSupabaseClientOptions.js'
export { createSupabaseClientOptions, discardingStorage } from './createSupabaseClientOptions.js'
export type { SupabaseUser } from './parseGoTrueSession.js'
export { parseGoTrueSession, parseGoTrueUser } from './parseGoTrueSession.js'
