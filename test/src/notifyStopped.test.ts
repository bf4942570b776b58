import { createAuthClient, createMemoryStorage } from 'authchart'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { expect, it, vi } from 'vitest'

// `notify()` is ignored after `stop()`: a stopped chart must not be sent the platform's events
// (XState warns of every event sent to a stopped actor; the client sends none).
it('notify() on a stopped client sends the chart nothing', async () => {
  const clock = createFakeClock()
  const auth = createAuthClient({ adapter: createFakeAdapter({ clock }), clock, storage: createMemoryStorage() })
  auth.start()
  await clock.flush()
  auth.stop()
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  try {
    for (const signal of ['online', 'offline', 'visible', 'wake'] as const) auth.notify(signal)
    expect(warn).not.toHaveBeenCalled()
  } finally {
    warn.mockRestore()
  }
})
