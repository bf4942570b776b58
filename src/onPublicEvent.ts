import type { Actor } from 'xstate'
import type { authMachine } from '../machines/authMachine.js'
import type { AuthClientEvents } from './AuthClient.js'
import { InvalidOptionsError } from './errors.js'

/**
 * `auth.on`: subscribes to one of the chart's public emitted events. The chart also emits internal
 * events that carry the session (tokens included) to the client; only `error` and
 * `refreshRejected` may reach a listener, and any other name is an `InvalidOptionsError`.
 *
 * @example
 * const off = onPublicEvent(actor, 'refreshRejected', ({ error, tokenAge }) => report(error, tokenAge))
 */
export function onPublicEvent<Type extends keyof AuthClientEvents>(
  actor: Pick<Actor<typeof authMachine>, 'on'>,
  type: Type,
  listener: (event: AuthClientEvents[Type]) => void,
): () => void {
  if (type !== 'error' && type !== 'refreshRejected') {
    throw new InvalidOptionsError(`auth.on: unknown event "${String(type)}"; use 'error' or 'refreshRejected'`)
  }
  const subscription = actor.on(type, listener as never)
  return () => subscription.unsubscribe()
}
