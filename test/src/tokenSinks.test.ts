import { decodeClaims, type Session, SinkError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { credentials, HOUR, MINUTE, setupClient, signedIn } from '../fixtures/setupClient.js'
import { heldSession } from '../fixtures/heldSession.js'

describe('token sinks (I4: sinks first)', () => {
  it('a sink holds the new token before any subscriber sees the state that carries it', async () => {
    const { auth, clock } = setupClient()
    await clock.flush()
    let sinkToken: string | null = null
    auth.addTokenSink((token) => {
      sinkToken = token
    })
    const seen: Array<{ status: string; matches: boolean }> = []
    // Snapshots carry no token: the sink's token matches the state when its claims (their token
    // id) are the ones the state shows.
    const sinkJti = () => (sinkToken === null ? null : decodeClaims(sinkToken).jti)
    auth.subscribe((snapshot) => {
      seen.push({ status: snapshot.status, matches: sinkJti() === (snapshot.session?.claims.jti ?? null) })
    })
    auth.actor.subscribe((snapshot) => {
      seen.push({
        status: `actor:${JSON.stringify((snapshot.value as { session: unknown }).session)}`,
        matches: sinkJti() === ((snapshot.context as { session: Session | null }).session?.claims.jti ?? null),
      })
    })
    await auth.signIn(credentials)
    await clock.advance(HOUR) // a refresh
    await auth.signOut()
    expect(seen.length).toBeGreaterThan(4)
    expect(seen.filter((s) => !s.matches)).toEqual([])
    expect(seen.map((s) => s.status)).toContain('authenticated')
  })

  it('gets the token on sign-in, restore and refresh, and null on sign-out', async () => {
    const env = await signedIn()
    const received: Array<string | null> = []
    env.auth.addTokenSink((token) => {
      received.push(token)
    })
    const first = heldSession(env.auth)?.accessToken
    await env.clock.advance(HOUR)
    const refreshed = heldSession(env.auth)?.accessToken
    await env.auth.signOut()
    expect(received).toEqual([first, refreshed, null])

    const reloaded = setupClient({ storage: env.storage })
    const afterReload: Array<string | null> = []
    reloaded.auth.addTokenSink((token) => {
      afterReload.push(token)
    })
    await reloaded.clock.flush()
    expect(afterReload).toEqual([null]) // signed out: nothing to restore

    const again = await signedIn()
    const restored = setupClient({ storage: again.storage })
    const restoredTokens: Array<string | null> = []
    restored.auth.addTokenSink((token) => {
      restoredTokens.push(token)
    })
    await restored.clock.flush()
    expect(restored.auth.getSnapshot().status).toBe('authenticated')
    expect(restoredTokens).toEqual([null, heldSession(again.auth)?.accessToken])
  })

  it('gets null when the session expires', async () => {
    const { auth, clock, adapter } = await signedIn()
    const received: Array<string | null> = []
    auth.addTokenSink((token) => {
      received.push(token)
    })
    adapter.enqueue('refresh', 'rejected')
    await clock.advance(HOUR - MINUTE)
    expect(auth.getSnapshot().status).toBe('expired')
    expect(received.at(-1)).toBeNull()
  })

  it('reports a throwing sink in snapshot.error and still runs the other sinks', async () => {
    const { auth, clock } = setupClient()
    await clock.flush()
    const errors: unknown[] = []
    auth.on('error', ({ error }) => errors.push(error))
    auth.addTokenSink((token) => {
      if (token) throw new Error('socket closed')
    })
    const later: Array<string | null> = []
    auth.addTokenSink((token) => {
      later.push(token)
    })
    await auth.signIn(credentials)
    expect(later).toEqual([null, await auth.getToken()])
    expect(later[1]).toEqual(expect.any(String))
    expect(auth.getSnapshot().error).toBeInstanceOf(SinkError)
    expect(errors.some((e) => e instanceof SinkError)).toBe(true)
    expect(auth.getSnapshot().status).toBe('authenticated')
  })

  it('reports a sink whose promise rejects', async () => {
    const { auth, clock } = setupClient()
    await clock.flush()
    auth.addTokenSink(async (token) => {
      if (token) throw new Error('setAuth failed')
    })
    await auth.signIn(credentials)
    await clock.flush()
    expect(auth.getSnapshot().error).toBeInstanceOf(SinkError)
  })

  it('stops calling a removed sink', async () => {
    const { auth, clock } = await signedIn()
    const received: Array<string | null> = []
    const remove = auth.addTokenSink((token) => {
      received.push(token)
    })
    remove()
    await clock.advance(HOUR)
    expect(received).toHaveLength(1)
  })
})
