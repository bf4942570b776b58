/** Time as the client sees it. Inject a fake one in tests (`createFakeClock`). */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * The default clock. Like TanStack Query's `timeoutManager`, it reads the globals at call time,
 * so fake timers installed after the client was created still take effect.
 *
 * @example
 * createAuthClient({ adapter, clock: defaultClock })
 */
export const defaultClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}
