import type { Actor } from 'xstate'
import type { authMachine } from '../machines/authMachine.js'
import type { SessionInfo } from './AuthSnapshot.js'
import { type AuthError, NotAuthenticatedError } from './errors.js'
import type { Session } from './Session.js'
import { toSessionInfo } from './toSessionInfo.js'

interface Pending {
  resolve(value: SessionInfo): void
  reject(error: unknown): void
}

/** The `signIn()` and `refresh()` calls the chart has not answered yet. */
export interface PendingCalls {
  /** Starts a call: `send(id)` hands it to the chart, which answers with `settle(id, …)`. */
  add(send: (id: number) => void): Promise<SessionInfo>
  /** The chart's answer: an error, or the session the call ended with. */
  settle(answer: { id: number; error: AuthError | null; session: Session | null }): void
  /** Fails every call still waiting (the client stopped). */
  rejectAll(error: AuthError): void
}

/**
 * Ties each `signIn()` / `refresh()` promise to the chart's `*.settled` event that answers it,
 * by a call id. A call answered with neither error nor session fails as not authenticated. Given
 * the chart's actor, it listens to those events itself.
 *
 * @example
 * const calls = createPendingCalls(actor)
 * const info = await calls.add((id) => actor.send({ type: 'session.refresh', id, force: false, timeoutMs }))
 */
export function createPendingCalls(chart?: Pick<Actor<typeof authMachine>, 'on'>): PendingCalls {
  const calls = new Map<number, Pending>()
  let nextId = 0
  const pending: PendingCalls = {
    add(send) {
      const id = ++nextId
      return new Promise<SessionInfo>((resolve, reject) => {
        calls.set(id, { resolve, reject })
        send(id)
      })
    },
    settle({ id, error, session }) {
      const call = calls.get(id)
      if (!call) return
      calls.delete(id)
      if (error) call.reject(error)
      else if (session) call.resolve(toSessionInfo(session))
      else call.reject(new NotAuthenticatedError())
    },
    rejectAll(error) {
      for (const call of calls.values()) call.reject(error)
      calls.clear()
    },
  }
  chart?.on('refresh.settled', pending.settle)
  chart?.on('signIn.settled', pending.settle)
  return pending
}
