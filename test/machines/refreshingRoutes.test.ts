// The chart's `refreshing` state (machines/refreshingState.ts, machines/refreshWaiters.ts), driven
// on the chart itself with every refresh request held open (test/fixtures/chartHarness.ts): which
// request a refresh() call is answered by, what a failure or a timeout settles, and when backoff
// and the wait for claims end.
import {
  AdapterError,
  AuthError,
  ClaimsTimeoutError,
  type Claims,
  InvalidOptionsError,
  RequestTimeoutError,
  SessionExpiredError,
} from 'authchart'
import { describe, expect, it } from 'vitest'
import { authenticatedChart, MARGIN, RETRY, sessionAt, sessionOutput } from '../fixtures/chartHarness.js'

const HOUR = 3_600_000
const never = () => false

type Settled = { type: string; id: number; error: AuthError | null; session: unknown }

describe('the chart starting a refresh', () => {
  it('asks the adapter for a forced refresh only when a caller needs one (force or until)', async () => {
    const plain = await authenticatedChart()
    plain.send({ type: 'session.refresh', id: 1, force: false, timeoutMs: 60_000 })
    expect(plain.calls.refreshSession[0]?.input.force).toBe(false)

    const forced = await authenticatedChart()
    forced.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    expect(forced.calls.refreshSession[0]?.input.force).toBe(true)

    const claims = await authenticatedChart()
    claims.send({ type: 'session.refresh', id: 1, force: false, until: never, timeoutMs: 60_000 })
    expect(claims.calls.refreshSession[0]?.input.force).toBe(true)
  })

  it('counts failures afresh each time it enters refreshing: the next failure backs off by the first delay', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    await chart.fail('refreshSession', new AuthError('blip'))
    expect(chart.state()).toBe('authenticated')
    expect(chart.context().attempt).toBe(1)
    await chart.clock.advance(1_000)
    chart.send({ type: 'session.refresh', id: 2, force: true, timeoutMs: 60_000 })
    expect(chart.state()).toBe('refreshing.requesting')
    await chart.fail('refreshSession', new AuthError('blip'))
    expect(chart.context().attempt).toBe(1)
    // the first backoff: 1 s with equal jitter at 0.5; a second attempt would wait 1.5 s
    expect(chart.context().retryAt - chart.clock.now()).toBe(750)
  })
})

describe('the chart deciding whether to refresh', () => {
  it('a session is due exactly at its margin before expiry, not a millisecond earlier', async () => {
    const chart = await authenticatedChart()
    chart.clock.jump(HOUR - MARGIN - 1)
    chart.send({ type: 'session.check' })
    expect(chart.state()).toBe('authenticated')
    chart.clock.jump(1)
    chart.send({ type: 'session.check' })
    expect(chart.state()).toBe('refreshing.requesting')
  })

  it('a due session without a refresh token ends as expired (no_refresh_token) with no request, failing its callers', async () => {
    const chart = await authenticatedChart({ session: (now) => sessionAt(now, { refreshToken: undefined }) })
    chart.clock.jump(HOUR - MARGIN)
    chart.send({ type: 'session.refresh', id: 1, force: false, timeoutMs: 60_000 })
    expect(chart.state()).toBe('expired')
    expect((chart.context().error as SessionExpiredError).reason).toBe('no_refresh_token')
    const settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error).toBe(chart.context().error)
    expect(chart.calls.refreshSession).toHaveLength(0)
    chart.checkNoAnsweredCallKept()
  })

  it('refresh() of a good session without a refresh token fails, and the session stays', async () => {
    const chart = await authenticatedChart({ session: (now) => sessionAt(now, { refreshToken: undefined }) })
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    expect(chart.state()).toBe('authenticated')
    const settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error).toBeInstanceOf(InvalidOptionsError)
    expect(chart.context().session).toBe(chart.session)
    expect(chart.calls.refreshSession).toHaveLength(0)
    chart.checkNoAnsweredCallKept()
  })

  it('refresh() before the backoff of a failed request has run out waits for it', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    await chart.fail('refreshSession', new AuthError('blip'))
    expect(chart.state()).toBe('authenticated')
    chart.send({ type: 'session.refresh', id: 2, force: true, timeoutMs: 60_000 })
    expect(chart.state()).toBe('refreshing.backingOff')
    expect(chart.calls.refreshSession).toHaveLength(1)
    await chart.clock.advance(750)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })

  it('a new token that is already due backs off as a failure instead of refreshing again at once', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: false, timeoutMs: 60_000 })
    // answered, but with a token that expires inside the margin (a device clock far ahead)
    const due = { ...sessionAt(chart.clock.now() - HOUR + 30_000), accessToken: 'at-due' }
    await chart.answer('refreshSession', sessionOutput(due))
    expect(chart.state()).toBe('refreshing.backingOff')
    const error = chart.context().error
    expect(error?.message).toBe('the new token is already due for refresh; is the device clock or expiresAt wrong?')
    expect(chart.emittedOf('error')).toEqual([{ type: 'error', error }])
    expect(chart.context().attempt).toBe(1)
    expect(chart.calls.refreshSession).toHaveLength(1)
  })

  it('each failed retry doubles the backoff', async () => {
    const chart = await authenticatedChart()
    chart.clock.jump(HOUR - 30_000)
    chart.send({ type: 'session.check' })
    await chart.fail('refreshSession', new AuthError('blip'))
    expect(chart.context().retryAt - chart.clock.now()).toBe(750)
    await chart.clock.advance(750)
    await chart.fail('refreshSession', new AuthError('blip'))
    // 2 s with equal jitter at 0.5
    expect(chart.context().retryAt - chart.clock.now()).toBe(1_500)
  })
})

describe('the chart answering refresh() calls', () => {
  it('a refresh request that never answers fails its plain callers with the request timeout', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    await chart.clock.advance(RETRY.requestTimeout)
    const settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error).toBeInstanceOf(RequestTimeoutError)
    expect(settled[0]?.error?.message).toBe('the refresh request timed out')
    expect(chart.calls.refreshSession[0]?.signal.aborted).toBe(true)
  })

  it('a call that joins the request in flight is bounded by its own timeout', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    chart.send({ type: 'session.refresh', id: 2, force: false, timeoutMs: 5_000 })
    await chart.clock.advance(4_999)
    expect(chart.emittedOf('refresh.settled')).toEqual([])
    await chart.clock.advance(1)
    const settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([2])
    expect(settled[0]?.error).toBeInstanceOf(RequestTimeoutError)
    expect(settled[0]?.error?.message).toBe('refresh did not finish within 5000 ms')
    expect(chart.state()).toBe('refreshing.requesting')
  })

  it('a forced call that meets an unforced request is answered by a second, forced, request (auth0-spa-js #1691)', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: false, timeoutMs: 60_000 })
    chart.send({ type: 'session.refresh', id: 2, force: true, timeoutMs: 60_000 })
    const first = sessionAt(chart.clock.now())
    await chart.answer('refreshSession', sessionOutput(first))
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => [s.id, s.session])).toEqual([[1, first]])
    expect(chart.state()).toBe('refreshing.requesting')
    expect(chart.calls.refreshSession.map((c) => c.input.force)).toEqual([false, true])
    const second = sessionAt(chart.clock.now())
    await chart.answer('refreshSession', sessionOutput(second))
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => [s.id, s.session])).toEqual([
      [1, first],
      [2, second],
    ])
    expect(chart.state()).toBe('authenticated')
  })

  it('a forced request stays forced when its forced caller times out: a forced call arriving then joins it', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 100 })
    await chart.clock.advance(100)
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => s.id)).toEqual([1])
    chart.send({ type: 'session.refresh', id: 2, force: true, timeoutMs: 60_000 })
    const next = sessionAt(chart.clock.now())
    await chart.answer('refreshSession', sessionOutput(next))
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => [s.id, s.session])).toEqual([
      [1, chart.session],
      [2, next],
    ])
    expect(chart.calls.refreshSession).toHaveLength(1)
    expect(chart.state()).toBe('authenticated')
  })

  it('a rejected refresh fails every caller once, says how old the refresh token was, and keeps no caller', async () => {
    const chart = await authenticatedChart()
    await chart.clock.advance(1_000)
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    await chart.fail('refreshSession', new AdapterError('refresh', 'rejected'))
    expect(chart.state()).toBe('expired')
    expect(chart.unanswered()).toEqual([])
    const settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error).toBeInstanceOf(SessionExpiredError)
    const [rejected] = chart.emittedOf<{ tokenAge: number | null }>('refreshRejected')
    expect(rejected?.tokenAge).toBe(1_000)
    // another tab signs in: the refresh that follows settles only its own caller
    const fresh = sessionAt(chart.clock.now())
    chart.send({ type: 'tab.sessionChanged', session: fresh, refreshTokenAt: chart.clock.now(), origin: 'tab' })
    chart.send({ type: 'session.refresh', id: 2, force: true, timeoutMs: 60_000 })
    await chart.answer('refreshSession', sessionOutput(sessionAt(chart.clock.now())))
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => s.id)).toEqual([1, 2])
  })

  it('a predicate that throws fails its caller with the thrown error as the cause', async () => {
    const chart = await authenticatedChart()
    const boom = new Error('bad predicate')
    chart.send({
      type: 'session.refresh',
      id: 1,
      force: true,
      until: () => {
        throw boom
      },
      timeoutMs: 60_000,
    })
    await chart.answer('refreshSession', sessionOutput(sessionAt(chart.clock.now())))
    const settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error?.message).toBe('the refresh({ until }) predicate threw')
    expect(settled[0]?.error?.cause).toBe(boom)
  })

  it('a newer session from another tab answers the callers of the refresh in flight', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, timeoutMs: 60_000 })
    const older = { ...sessionAt(chart.clock.now()), expiresAt: chart.session.expiresAt - 1 }
    chart.send({ type: 'tab.sessionChanged', session: older, refreshTokenAt: null, origin: 'tab' })
    expect(chart.state()).toBe('refreshing.requesting')
    expect(chart.emittedOf('refresh.settled')).toEqual([])
    const newer = sessionAt(chart.clock.now() + 1_000)
    chart.send({ type: 'tab.sessionChanged', session: newer, refreshTokenAt: null, origin: 'tab' })
    expect(chart.state()).toBe('authenticated')
    expect(chart.context().session).toBe(newer)
    expect(chart.unanswered()).toEqual([])
    expect(chart.emittedOf('refresh.settled')).toEqual([
      { type: 'refresh.settled', id: 1, error: null, session: newer },
    ])
    expect(chart.calls.refreshSession[0]?.signal.aborted).toBe(true)
    chart.checkNoAnsweredCallKept()
  })
})

describe('the chart after a failed refresh', () => {
  it('a transient failure keeps a caller waiting for claims and backs off, without settling anyone', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, until: never, timeoutMs: 60_000 })
    await chart.fail('refreshSession', new AuthError('blip'))
    expect(chart.state()).toBe('refreshing.backingOff')
    expect(chart.unanswered()).toEqual([1])
    expect(chart.emittedOf('refresh.settled')).toEqual([])
    await chart.clock.advance(750)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })

  it('offline, back online retries when the backoff ends instead of after the longest delay', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'network.offline' })
    chart.clock.jump(HOUR)
    chart.send({ type: 'session.check' })
    await chart.fail('refreshSession', new AuthError('offline'))
    expect(chart.state()).toBe('refreshing.backingOff')
    await chart.clock.advance(500)
    chart.send({ type: 'network.online' })
    expect(chart.network()).toBe('online')
    await chart.clock.advance(249)
    expect(chart.calls.refreshSession).toHaveLength(1)
    await chart.clock.advance(1)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })

  it('a refresh() during backoff is answered by the retry, and bounded by its own timeout', async () => {
    const chart = await authenticatedChart()
    chart.clock.jump(HOUR - 30_000)
    chart.send({ type: 'session.check' })
    await chart.fail('refreshSession', new AuthError('blip'))
    expect(chart.state()).toBe('refreshing.backingOff')
    chart.send({ type: 'session.refresh', id: 5, force: false, timeoutMs: 60_000 })
    chart.send({ type: 'session.refresh', id: 6, force: false, timeoutMs: 500 })
    await chart.clock.advance(500)
    const timedOut = chart.emittedOf<Settled>('refresh.settled')
    expect(timedOut.map((s) => s.id)).toEqual([6])
    expect(timedOut[0]?.error).toBeInstanceOf(RequestTimeoutError)
    await chart.clock.advance(250)
    expect(chart.calls.refreshSession).toHaveLength(2)
    const next = sessionAt(chart.clock.now())
    await chart.answer('refreshSession', sessionOutput(next))
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => [s.id, s.error])).toEqual([
      [6, timedOut[0]?.error],
      [5, null],
    ])
    expect(chart.state()).toBe('authenticated')
  })

  it('callers waiting for claims time out one by one; the last one ends the backoff while the session is good', async () => {
    const chart = await authenticatedChart()
    chart.send({ type: 'session.refresh', id: 1, force: true, until: never, timeoutMs: 10_000 })
    chart.send({ type: 'session.refresh', id: 2, force: true, until: never, timeoutMs: 20_000 })
    // the server asks for a minute's pause: the backoff outlasts both callers
    await chart.fail('refreshSession', new AdapterError('refresh', 'transient', { retryAfterMs: 60_000 }))
    expect(chart.state()).toBe('refreshing.backingOff')
    await chart.clock.advance(10_000)
    expect(chart.state()).toBe('refreshing.backingOff')
    let settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1])
    expect(settled[0]?.error).toBeInstanceOf(ClaimsTimeoutError)
    expect(chart.unanswered()).toEqual([2])
    await chart.clock.advance(10_000)
    expect(chart.state()).toBe('authenticated')
    settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1, 2])
    expect(settled[1]?.error).toBeInstanceOf(ClaimsTimeoutError)
    expect(chart.calls.refreshSession).toHaveLength(1)
  })

  it('the last caller waiting for claims timing out does not end the backoff of a session that is due', async () => {
    const chart = await authenticatedChart()
    chart.clock.jump(HOUR - 30_000)
    chart.send({ type: 'session.refresh', id: 1, force: true, until: never, timeoutMs: 10_000 })
    await chart.fail('refreshSession', new AdapterError('refresh', 'transient', { retryAfterMs: 20_000 }))
    expect(chart.state()).toBe('refreshing.backingOff')
    await chart.clock.advance(10_000)
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => s.id)).toEqual([1])
    expect(chart.state()).toBe('refreshing.backingOff')
    await chart.clock.advance(10_000)
    expect(chart.calls.refreshSession).toHaveLength(2)
  })
})

describe('the chart waiting for claims', () => {
  /** A chart whose refresh answered without the claims caller 1 (and 2) wait for. */
  async function awaitingClaims(timeouts: number[]) {
    const chart = await authenticatedChart()
    timeouts.forEach((timeoutMs, i) =>
      chart.send({ type: 'session.refresh', id: i + 1, force: true, until: never, timeoutMs }),
    )
    await chart.answer('refreshSession', sessionOutput(sessionAt(chart.clock.now())))
    expect(chart.state()).toBe('refreshing.awaitingClaims')
    return chart
  }

  it('callers time out one by one; the last one ends the wait', async () => {
    const chart = await awaitingClaims([100, 200])
    await chart.clock.advance(100)
    expect(chart.state()).toBe('refreshing.awaitingClaims')
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => s.id)).toEqual([1])
    expect(chart.unanswered()).toEqual([2])
    await chart.clock.advance(100)
    expect(chart.state()).toBe('authenticated')
    const settled = chart.emittedOf<Settled>('refresh.settled')
    expect(settled.map((s) => s.id)).toEqual([1, 2])
    expect(settled.every((s) => s.error instanceof ClaimsTimeoutError)).toBe(true)
  })

  it('a refresh() during the wait is answered by the next request, and bounded by its own timeout', async () => {
    const chart = await awaitingClaims([60_000])
    chart.send({ type: 'session.refresh', id: 5, force: false, timeoutMs: 60_000 })
    chart.send({ type: 'session.refresh', id: 6, force: false, timeoutMs: 50 })
    await chart.clock.advance(50)
    const timedOut = chart.emittedOf<Settled>('refresh.settled')
    expect(timedOut.map((s) => s.id)).toEqual([6])
    expect(timedOut[0]?.error).toBeInstanceOf(RequestTimeoutError)
    await chart.clock.advance(200)
    expect(chart.calls.refreshSession).toHaveLength(2)
    const claims: Claims = { sub: 'u1' }
    const next = { ...sessionAt(chart.clock.now()), claims }
    await chart.answer('refreshSession', sessionOutput(next))
    expect(chart.emittedOf<Settled>('refresh.settled').map((s) => [s.id, s.error])).toEqual([
      [6, timedOut[0]?.error],
      [5, null],
    ])
    expect(chart.state()).toBe('refreshing.awaitingClaims')
  })
})
