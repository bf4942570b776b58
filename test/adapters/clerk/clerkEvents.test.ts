// Clerk's own session events (another tab, an organisation switch, Clerk's UI) reach the chart
// through `adapter.subscribe`, and the sinks get the new token or null.
import { NotAuthenticatedError } from 'authchart'
import { describe, expect, it } from 'vitest'
import { decodePayload } from './fakeClerk.js'
import { restored, setupClerkClient } from './setupClerkClient.js'
import { heldSession } from '../../fixtures/heldSession.js'

describe('Clerk events reach the chart', () => {
  it('a sign-out in another tab signs this client out and the sinks get null', async () => {
    const { clock, fake, auth, sinks } = await restored()
    expect(sinks.at(-1)).toBe(heldSession(auth)?.accessToken)
    fake.otherTabSignsOut()
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(sinks.at(-1)).toBeNull()
    await expect(auth.getToken()).rejects.toBeInstanceOf(NotAuthenticatedError)
  })

  it('an organisation switch gives the chart and the sinks a token for the new organisation', async () => {
    const { clock, fake, auth, sinks } = await restored({ fake: { latencyMs: 30 } })
    const before = heldSession(auth)?.accessToken
    await clock.advance(10_000)
    const switching = fake.setActiveOrganization('org_2')
    await clock.advance(30)
    await switching
    await clock.advance(30) // the adapter's fresh token
    const token = heldSession(auth)?.accessToken
    expect(token).not.toBe(before)
    expect(auth.getSnapshot().claims?.org_id).toBe('org_2')
    expect(sinks.at(-1)).toBe(token)
    expect(token && decodePayload(token).org_id).toBe('org_2')
    await expect(auth.getToken()).resolves.toBe(token)
  })

  it('switching back to an organisation whose older token Clerk still caches is not lost', async () => {
    const { clock, fake, auth } = await restored()
    await clock.advance(1_000)
    await fake.setActiveOrganization('org_a')
    await clock.flush()
    await clock.advance(4_000)
    await fake.setActiveOrganization('org_b')
    await clock.flush()
    expect(auth.getSnapshot().claims?.org_id).toBe('org_b')
    await clock.advance(5_000)
    await fake.setActiveOrganization('org_a') // Clerk's cache still holds org_a's token from 9 s ago
    await clock.flush()
    expect(auth.getSnapshot().claims?.org_id).toBe('org_a')
  })

  it('a switch in the same second as the last token is still taken as the newer session', async () => {
    const { clock, fake, auth, sinks } = await restored()
    await fake.setActiveOrganization('org_2') // no time has passed since the restore's token
    await clock.flush()
    expect(auth.getSnapshot().claims?.org_id).toBe('org_2')
    expect(sinks.at(-1)).toBe(heldSession(auth)?.accessToken)
  })

  it('a sign-in through Clerk’s components signs the client in, with no auth.signIn call', async () => {
    const { clock, fake, auth, sinks } = setupClerkClient({ fake: { userId: null } })
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    fake.signInAs('user_2')
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(auth.getSnapshot().user?.id).toBe('user_2')
    expect(sinks.at(-1)).toBe(heldSession(auth)?.accessToken)
  })

  it('a session that becomes pending (an open task) counts as signed out, as in Clerk', async () => {
    const { clock, fake, auth, sinks } = await restored()
    fake.makePending()
    await clock.flush()
    expect(auth.getSnapshot().status).toBe('unauthenticated')
    expect(sinks.at(-1)).toBeNull()
  })

  it('a failed token fetch after an event is reported, and the next refresh catches up', async () => {
    const { clock, fake, auth, eventErrors } = await restored()
    await clock.advance(10_000)
    fake.failNext('mint', 'network')
    await fake.setActiveOrganization('org_2')
    await clock.flush()
    expect(eventErrors).toHaveLength(1)
    expect(eventErrors[0]?.kind).toBe('transient')
    // nothing swallowed: the chart shows it too, without the app's onEventError
    expect(auth.getSnapshot().error?.kind).toBe('transient')
    expect(auth.getSnapshot().status).toBe('authenticated')
    expect(auth.getSnapshot().claims?.org_id).toBeUndefined()
    await clock.advance(20_000) // the held token is due 30 s after it was minted
    expect(auth.getSnapshot().claims?.org_id).toBe('org_2')
    expect(auth.getSnapshot().error).toBeNull()
  })

  it('listens only while started', async () => {
    const { fake, auth } = await restored()
    expect(fake.listenerCount).toBe(1)
    auth.stop()
    expect(fake.listenerCount).toBe(0)
  })
})
