import { SinkError } from './errors.js'

/** Receives every new access token, and `null` when there is none. */
export type TokenSink = (token: string | null) => void | Promise<void>

/** The client's sink registry. */
export interface TokenSinks {
  add(sink: TokenSink): () => void
  /** Pushes `token` to every sink if it differs from the last one pushed. */
  push(token: string | null): void
}

/**
 * Keeps the token sinks in step with the chart. `push` is called from inside the chart's
 * transitions, so every sink holds the token before any subscriber sees the state. A sink that
 * throws or rejects is reported through `report` and does not stop the others.
 *
 * @example
 * const sinks = createTokenSinks((error) => actor.send({ type: 'effect.failed', error }))
 * sinks.add((token) => realtime.setAuth(token))
 */
export function createTokenSinks(report: (error: SinkError) => void): TokenSinks {
  const sinks = new Set<TokenSink>()
  let current: string | null = null

  const deliver = (sink: TokenSink, token: string | null) => {
    const fail = (cause: unknown) => report(new SinkError('a token sink failed', { cause }))
    try {
      const result = sink(token)
      if (result && typeof (result as Promise<void>).then === 'function') {
        ;(result as Promise<void>).then(undefined, fail)
      }
    } catch (cause) {
      fail(cause)
    }
  }

  return {
    add(sink) {
      sinks.add(sink)
      // A sink added late still starts from the current token, not from the anon state: the
      // seed-001 socket joined with the anon key because nobody told it the restored token.
      deliver(sink, current)
      return () => {
        sinks.delete(sink)
      }
    },
    push(token) {
      if (token === current) return
      current = token
      for (const sink of [...sinks]) deliver(sink, token)
    },
  }
}
