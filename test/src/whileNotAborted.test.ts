// whileNotAborted, the one abort race adapters share: what it does with an aborted signal and
// that it leaves no listener behind. A mutation run found these unpinned (docs/mutation.md).
import { getEventListeners } from 'node:events'
import { whileNotAborted } from 'authchart'
import { describe, expect, it, vi } from 'vitest'

describe('whileNotAborted', () => {
  it('with a signal already aborted, rejects with its reason and never starts the work', async () => {
    const controller = new AbortController()
    const reason = new Error('gone')
    controller.abort(reason)
    const start = vi.fn(async () => 'late')
    await expect(whileNotAborted(controller.signal, start)).rejects.toBe(reason)
    expect(start).not.toHaveBeenCalled()
  })

  it('settles with the work and then stops listening to the signal', async () => {
    const controller = new AbortController()
    await expect(whileNotAborted(controller.signal, async () => 'done')).resolves.toBe('done')
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    const failure = new Error('no')
    await expect(whileNotAborted(controller.signal, async () => Promise.reject(failure))).rejects.toBe(failure)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('an abort while the work hangs rejects at once and leaves no listener', async () => {
    const controller = new AbortController()
    const outcome = whileNotAborted(controller.signal, () => new Promise<never>(() => undefined))
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort(new Error('cancelled'))
    await expect(outcome).rejects.toThrow('cancelled')
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})
