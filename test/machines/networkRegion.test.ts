import { AuthError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { authenticatedChart } from '../fixtures/chartHarness.js'

// The network is the chart's parallel `network` region, not a context flag: what the platform last
// said (`network.offline` / `network.online`), read by `backingOff`'s guarded retry. The harness's
// backoff: 750 ms for the first failure (random 0.5), the longest delay 30 s.
const HOUR = 3_600_000
const FIRST_BACKOFF = 750
const MAX_DELAY = 30_000

async function backingOff() {
  const chart = await authenticatedChart()
  chart.clock.jump(HOUR)
  chart.send({ type: 'session.check' })
  await chart.fail('refreshSession', new AuthError('blip'))
  expect(chart.state()).toBe('refreshing.backingOff')
  expect(chart.calls.refreshSession).toHaveLength(1)
  return chart
}

describe('the network region', () => {
  it('starts online and follows the platform, whatever the session region does', async () => {
    const chart = await authenticatedChart()
    expect(chart.network()).toBe('online')
    chart.send({ type: 'network.offline' })
    expect(chart.network()).toBe('offline')
    expect(chart.state()).toBe('authenticated')
    chart.send({ type: 'network.offline' })
    expect(chart.network()).toBe('offline')
    chart.send({ type: 'network.online' })
    expect(chart.network()).toBe('online')
    expect(chart.state()).toBe('authenticated')
  })

  it('online, a failed refresh is retried when its backoff ends', async () => {
    const chart = await backingOff()
    await chart.clock.advance(FIRST_BACKOFF - 1)
    expect(chart.calls.refreshSession).toHaveLength(1)
    await chart.clock.advance(1)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })

  it('gone offline during the backoff, the retry waits the longest delay, counted from the failure', async () => {
    const chart = await backingOff()
    await chart.clock.advance(100)
    chart.send({ type: 'network.offline' })
    expect(chart.state()).toBe('refreshing.backingOff')
    await chart.clock.advance(FIRST_BACKOFF)
    expect(chart.calls.refreshSession).toHaveLength(1)
    await chart.clock.advance(MAX_DELAY - FIRST_BACKOFF - 101)
    expect(chart.calls.refreshSession).toHaveLength(1)
    await chart.clock.advance(1)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })

  it('back online after the backoff ran out offline, the retry goes at once', async () => {
    const chart = await backingOff()
    chart.send({ type: 'network.offline' })
    await chart.clock.advance(5_000)
    expect(chart.calls.refreshSession).toHaveLength(1)
    chart.send({ type: 'network.online' })
    await chart.clock.advance(0)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })
})
