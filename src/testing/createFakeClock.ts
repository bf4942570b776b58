import type { Clock } from '../Clock.js'
import { flushMicrotasks } from './flushMicrotasks.js'

/** A {@link Clock} that only moves when told to. */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, running each due timer in order at its own time and letting the
   * promises it starts settle before the next one runs.
   */
  advance(ms: number): Promise<void>
  /**
   * Moves time forward by `ms` without running any timer, as a device that slept: the timers
   * fire late, on the next `advance`.
   */
  jump(ms: number): void
  /** Lets pending promises settle without moving time. */
  flush(): Promise<void>
  /** How many timers are scheduled. */
  pending(): number
}

interface Timer {
  id: number
  at: number
  fn: () => void
}

/** Options of {@link createFakeClock}. */
export interface FakeClockOptions {
  /**
   * Awaited after every flush (and between the timers `advance` runs): resolves once work outside
   * the fake clock has settled, such as real HTTP requests to a real server. Fake time does not
   * move while it waits, so a request takes no fake time. Default: none.
   */
  idle?: () => Promise<void>
}

/** 2026-01-01T00:00:00Z: a realistic epoch, so JWT `iat`/`exp` look like real ones. */
export const FAKE_EPOCH = 1_767_225_600_000

/**
 * Creates a fake clock for `createAuthClient({ clock })`. Nothing in the client reads real time
 * when it is given one, so tests of expiry, backoff and timeouts take no wall time.
 *
 * @example
 * const clock = createFakeClock()
 * const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage() }).start()
 * await clock.advance(60 * 60_000) // an hour passes; the due refresh has run
 */
export function createFakeClock(start = FAKE_EPOCH, options: FakeClockOptions = {}): FakeClock {
  let now = start
  const { idle } = options
  const settle = async () => {
    await flushMicrotasks()
    if (idle) {
      await idle()
      await flushMicrotasks()
    }
  }
  let nextId = 1
  const timers = new Map<number, Timer>()

  const earliestDue = (until: number): Timer | undefined => {
    let best: Timer | undefined
    for (const timer of timers.values()) {
      if (timer.at > until) continue
      if (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer
    }
    return best
  }

  return {
    now: () => now,
    setTimeout(fn, ms) {
      // A NaN delay is a bug upstream (an unparsed expiry, say); failing here beats a test that
      // hangs while advance() keeps finding a timer that is always due.
      if (!Number.isFinite(ms)) throw new RangeError(`fake clock: setTimeout delay must be finite, got ${ms}`)
      const id = nextId++
      timers.set(id, { id, at: now + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    async advance(ms) {
      const target = now + ms
      await settle()
      for (let timer = earliestDue(target); timer; timer = earliestDue(target)) {
        timers.delete(timer.id)
        now = Math.max(now, timer.at)
        timer.fn()
        await settle()
      }
      now = Math.max(now, target)
      await settle()
    },
    jump(ms) {
      now += ms
    },
    flush: settle,
    pending: () => timers.size,
  }
}
