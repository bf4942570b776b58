/**
 * A gate for an adapter's calls: while an operation is held, its calls wait at the gate until a
 * test releases them (with an outcome, or none to go on) or their signal aborts them. The fake
 * adapter and the scenario world both gate calls this way.
 *
 * @example
 * const gate = createCallGate<'refresh', 'transient'>()
 * gate.hold('refresh')
 * const outcome = gate.isHeld('refresh') ? await gate.pass('refresh', signal) : undefined
 * // elsewhere: gate.release('refresh', 'transient')
 */
export function createCallGate<Op extends string, Outcome>() {
  const held = new Set<Op>()
  const gates = new Map<Op, Array<(outcome: Outcome | undefined) => void>>()
  const queueOf = (op: Op) => {
    let queue = gates.get(op)
    if (queue === undefined) gates.set(op, (queue = []))
    return queue
  }
  return {
    isHeld: (op: Op) => held.has(op),
    /** Waits at the gate of `op`; resolves with the outcome it is released with (undefined: go on). */
    pass: (op: Op, signal: AbortSignal) =>
      new Promise<Outcome | undefined>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason)
          return
        }
        const queue = queueOf(op)
        const pass = (outcome: Outcome | undefined) => {
          signal.removeEventListener('abort', onAbort)
          resolve(outcome)
        }
        const onAbort = () => {
          queue.splice(queue.indexOf(pass), 1)
          reject(signal.reason)
        }
        queue.push(pass)
        signal.addEventListener('abort', onAbort, { once: true })
      }),
    /** From now on, calls of `op` wait at the gate. */
    hold(op: Op) {
      held.add(op)
    },
    /** Lets the waiting calls of `op` go on, to the backend or failing with `outcome`; returns how many. */
    release(op: Op, outcome?: Outcome) {
      const passing = queueOf(op).splice(0)
      for (const pass of passing) pass(outcome)
      return passing.length
    },
    /** Opens the gate of `op` for good. */
    resume(op: Op) {
      held.delete(op)
      for (const pass of queueOf(op).splice(0)) pass(undefined)
    },
    waiting: (op: Op) => queueOf(op).length,
  }
}
