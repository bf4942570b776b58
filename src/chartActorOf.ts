import type { Actor } from 'xstate'
import type { authMachine } from '../machines/authMachine.js'

const actors = new WeakMap<object, Actor<typeof authMachine>>()

/**
 * The registry behind {@link chartActorOf}. Not exported from any entry point: the public
 * `auth.actor` is a redacted, read-only view, and only this repository's own tests reach the chart
 * itself (to inject events a browser would send).
 */
export function registerChartActor(client: object, actor: Actor<typeof authMachine>): void {
  actors.set(client, actor)
}

/**
 * The raw chart actor behind a client, for this repository's tests only.
 *
 * @example
 * chartActorOf(auth)?.getSnapshot().context.session?.accessToken
 */
export function chartActorOf(client: object): Actor<typeof authMachine> | undefined {
  return actors.get(client)
}
