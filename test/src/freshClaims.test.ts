import { ClaimsTimeoutError, decodeClaims } from 'authchart'
import { describe, expect, it } from 'vitest'
import { signedIn } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'
import { fulfilled, settle } from '../fixtures/settle.js'

describe('fresh claims (I6)', () => {
  it('refresh({ force, until }) resolves only once a new token carries the claims', async () => {
    const { auth, clock, adapter } = await signedIn({ adapter: { latency: { refresh: 50 } } })
    // The server applies the change only on the third token it issues from now on.
    adapter.enqueue('refresh', 'ok', 'ok', { claims: { activeOrgId: 'org-1' } })
    const pending = settle(auth.refresh({ force: true, until: (c) => c.activeOrgId === 'org-1', timeoutMs: 10_000 }))
    await clock.advance(50)
    expect(adapter.calls.refresh).toBe(1)
    expect(pending.status).toBe('pending')
    await clock.advance(2_000)
    const session = fulfilled(pending)
    expect(adapter.calls.refresh).toBe(3)
    expect(session.claims.activeOrgId).toBe('org-1')
    expect(auth.getSnapshot().claims?.activeOrgId).toBe('org-1')
    expect(auth.getSnapshot().status).toBe('authenticated')
    // The session refresh() resolved with is the one whose token getToken() hands out.
    expect(heldSession(auth)?.claims.jti).toBe(session.claims.jti)
    const token = settle(auth.getToken())
    await clock.flush()
    expect(fulfilled(token)).toBe(heldSession(auth)?.accessToken)
    expect(decodeClaims(fulfilled(token)).activeOrgId).toBe('org-1')
  })

  it('rejects with ClaimsTimeoutError after timeoutMs, with bounded retries, and keeps the session', async () => {
    const { auth, clock, adapter } = await signedIn()
    const pending = auth.refresh({
      force: true,
      until: (c) => c.activeOrgId === 'never',
      timeoutMs: 3_000,
      description: 'activeOrgId is set',
    })
    const outcome = pending.then(
      () => 'resolved',
      (error: unknown) => error,
    )
    let settled: unknown = 'pending'
    void outcome.then((value) => {
      settled = value
    })
    await clock.advance(2_999)
    expect(settled).toBe('pending')
    await clock.advance(1)
    // Checked without awaiting, so a broken timeout fails here at once instead of hanging.
    const error = settled
    expect(error).toBeInstanceOf(ClaimsTimeoutError)
    expect((error as Error).message).toContain('activeOrgId is set')
    // backoff 250, 500, 1000, 2000 ms: a handful of requests, not a hot loop
    expect(adapter.calls.refresh).toBeLessThanOrEqual(5)
    expect(auth.getSnapshot().status).toBe('authenticated')
    const after = adapter.calls.refresh
    await clock.advance(30_000)
    expect(adapter.calls.refresh).toBe(after) // no retries once the caller gave up
    await expect(auth.getToken()).resolves.toBe(heldSession(auth)?.accessToken)
  })

  it('a predicate that throws rejects that call only', async () => {
    const { auth, clock } = await signedIn()
    const pending = auth.refresh({
      force: true,
      until: () => {
        throw new Error('bad predicate')
      },
    })
    const assertion = expect(pending).rejects.toThrow('predicate threw')
    await clock.advance(10)
    await assertion
    expect(auth.getSnapshot().status).toBe('authenticated')
  })
})
