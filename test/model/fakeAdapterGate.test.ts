import { createFakeAdapter, createFakeClock, FakeAuthError } from 'authchart/testing'
import { expect, it } from 'vitest'

const credentials = { email: 'ada@example.com', password: 'pw' }

it('a held operation waits at the gate until released, and takes the outcome it is released with', async () => {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  const session = await adapter.signIn(credentials, { signal: new AbortController().signal, now: () => clock.now() })
  adapter.hold('refresh')
  let settled = false
  const first = adapter
    .refresh(session as never, { signal: new AbortController().signal, now: () => clock.now(), force: false })
    .finally(() => {
      settled = true
    })
  await clock.flush()
  expect(settled).toBe(false)
  expect(adapter.waiting('refresh')).toBe(1)
  expect(adapter.inFlight).toBe(1)
  expect(adapter.release('refresh', 'transient')).toBe(1)
  await expect(first).rejects.toBeInstanceOf(FakeAuthError)
  expect(adapter.inFlight).toBe(0)
})

it('a call waiting at the gate honours its AbortSignal, and resume opens the gate for good', async () => {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  const session = await adapter.signIn(credentials, { signal: new AbortController().signal, now: () => clock.now() })
  adapter.hold('refresh')
  const controller = new AbortController()
  const aborted = adapter.refresh(session as never, { signal: controller.signal, now: () => clock.now(), force: false })
  const check = expect(aborted).rejects.toBeDefined()
  await clock.flush()
  controller.abort()
  await check
  expect(adapter.waiting('refresh')).toBe(0)
  adapter.resume('refresh')
  await expect(
    adapter.refresh(session as never, { signal: new AbortController().signal, now: () => clock.now(), force: false }),
  ).resolves.toHaveProperty('accessToken')
})
