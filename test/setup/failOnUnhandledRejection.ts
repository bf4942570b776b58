import { afterEach } from 'vitest'

// I3: a promise that rejects with nobody listening is a swallowed failure. Vitest reports such
// errors at the end of a run; this guard pins each one on the test during which it happened.
const unhandled: unknown[] = []
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason)
})

afterEach(async () => {
  // Rejections are reported after the microtask queue drains; give them one turn to surface.
  await new Promise<void>((resolve) => setImmediate(resolve))
  if (unhandled.length > 0) {
    const reasons = unhandled.splice(0)
    throw new Error(`unhandled promise rejection during this test: ${reasons.map(String).join('; ')}`)
  }
})
