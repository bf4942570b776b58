import { describe, expect, it } from 'vitest'
import { HOUR, MINUTE, signedIn } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, settle } from '../fixtures/settle.js'

describe('single flight (I2)', () => {
  it('1 000 concurrent getToken() calls while a refresh is due make exactly one refresh call', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 250 } } })
    clock.jump(HOUR - MINUTE / 2) // due, and no timer has noticed yet
    const calls = Array.from({ length: 1_000 }, () => settle(auth.getToken()))
    await clock.advance(249)
    expect(calls.every((call) => call.status === 'pending')).toBe(true)
    await clock.advance(1)
    const tokens = calls.map(fulfilled)
    expect(adapter.calls.refresh).toBe(1)
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).toBe(heldSession(auth)?.accessToken)
  })

  it('100 concurrent refresh({ force: true }) calls share one request', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 100 } } })
    const calls = Array.from({ length: 100 }, () => settle(auth.refresh({ force: true })))
    await clock.advance(100)
    const sessions = calls.map(fulfilled)
    expect(adapter.calls.refresh).toBe(1)
    // The infos carry no token: the token's id in the claims tells the sessions apart.
    expect(new Set(sessions.map((s) => s.claims.jti)).size).toBe(1)
    expect(sessions[0]?.claims.jti).toBe(heldSession(auth)?.claims.jti)
    expect(heldSession(auth)?.claims.jti).toEqual(expect.any(String))
  })

  it('an unforced refresh joins a forced one in flight', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 100 } } })
    const forced = auth.refresh({ force: true })
    await clock.flush()
    const plain = auth.refresh()
    const token = auth.getToken()
    await clock.advance(100)
    const [a, b] = await Promise.all([forced, plain])
    expect(adapter.calls.refresh).toBe(1)
    expect(a.claims.jti).toEqual(expect.any(String))
    expect(a.claims.jti).toBe(b.claims.jti)
    expect(heldSession(auth)?.claims.jti).toBe(a.claims.jti)
    await expect(token).resolves.toBe(heldSession(auth)?.accessToken)
  })

  it('a forced refresh is never answered by an unforced request already in flight, and is not run beside it', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 100 } } })
    await clock.advance(HOUR - MINUTE) // the timer's unforced refresh is now in flight
    expect(adapter.inFlight).toBe(1)
    const forced = auth.refresh({ force: true })
    await clock.flush()
    expect(adapter.inFlight).toBe(1) // queued behind, not beside
    await clock.advance(100)
    expect(adapter.calls.refresh).toBe(2) // the forced one ran after the first settled
    await clock.advance(100)
    const session = await forced
    expect(session.claims.jti).toEqual(expect.any(String))
    expect(session.claims.jti).toBe(heldSession(auth)?.claims.jti)
  })

  it('never sends a refresh token twice, across many refresh cycles', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 50 } } })
    for (let i = 0; i < 5; i++) {
      const burst = Array.from({ length: 20 }, () => auth.getToken())
      await clock.advance(HOUR)
      await Promise.all(burst)
    }
    expect(adapter.refreshTokensSent.length).toBe(5)
    expect(new Set(adapter.refreshTokensSent).size).toBe(adapter.refreshTokensSent.length)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })
})
