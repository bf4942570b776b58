// @vitest-environment jsdom
import { type AuthSnapshot, createAuthClient } from 'authchart'
import { AuthProvider, useAuth, useAuthSelector } from 'authchart/react'
import { createFakeAdapter, createFakeClock, createFakeTabs } from 'authchart/testing'
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { makeClient } from '../../fixtures/reloadWithStoredSession.js'
import { credentials } from '../../fixtures/setupClient.js'
import { heldSession } from '../../fixtures/heldSession.js'

afterEach(cleanup)

/** Two tabs of one profile: a token refreshed in tab B reaches tab A with no status change there. */
async function twoSignedInTabs() {
  const clock = createFakeClock()
  const adapter = createFakeAdapter({ clock })
  const profile = createFakeTabs()
  const tab = () =>
    createAuthClient({ adapter, clock, storage: profile.storage, tabs: profile, random: () => 0.5 }).start()
  const tabA = tab()
  const tabB = tab()
  await clock.flush()
  await tabA.signIn(credentials)
  await clock.flush()
  expect(heldSession(tabB)?.accessToken).toBe(heldSession(tabA)?.accessToken)
  // A token issued in the same second would not count as newer in the other tab.
  await clock.advance(5_000)
  return { clock, adapter, tabA, tabB }
}

describe('useAuthSelector', () => {
  it('does not re-render a component selecting status when only the token changes', async () => {
    const { clock, tabA, tabB } = await twoSignedInTabs()
    const renders = { status: 0, token: 0 }
    function StatusView() {
      renders.status += 1
      return <p data-testid="status">{useAuthSelector((s) => s.status)}</p>
    }
    function TokenView() {
      renders.token += 1
      // The snapshot carries no token; the token's id in its claims changes with it.
      return <p data-testid="token">{useAuthSelector((s) => String(s.session?.claims.jti ?? ''))}</p>
    }
    render(
      <AuthProvider client={tabA}>
        <StatusView />
        <TokenView />
      </AuthProvider>,
    )
    const before = heldSession(tabA)?.accessToken
    expect(screen.getByTestId('token').textContent).toBe(heldSession(tabA)?.claims.jti)
    expect(renders).toEqual({ status: 1, token: 1 })

    await act(async () => {
      await tabB.refresh({ force: true })
      await clock.flush()
    })

    const after = heldSession(tabA)?.accessToken
    expect(after).not.toBe(before)
    expect(tabA.getSnapshot().status).toBe('authenticated')
    expect(screen.getByTestId('token').textContent).toBe(heldSession(tabA)?.claims.jti)
    expect(screen.getByTestId('token').textContent).not.toBe('')
    expect(renders).toEqual({ status: 1, token: 2 })
  })

  it('keeps an object selection when compare says it is equal', async () => {
    const { clock, tabA, tabB } = await twoSignedInTabs()
    let renders = 0
    const who = (s: AuthSnapshot) => ({ status: s.status, email: s.user?.email ?? null })
    function Who() {
      renders += 1
      const view = useAuthSelector(who, (a, b) => a.status === b.status && a.email === b.email)
      return (
        <p data-testid="who">
          {view.status} {view.email}
        </p>
      )
    }
    render(
      <AuthProvider client={tabA}>
        <Who />
      </AuthProvider>,
    )
    await act(async () => {
      await tabB.refresh({ force: true })
      await clock.flush()
    })
    expect(renders).toBe(1)
    expect(screen.getByTestId('who').textContent).toBe('authenticated ada@example.com')

    await act(() => tabB.signOut())
    await act(() => clock.flush())
    expect(renders).toBe(2)
    expect(screen.getByTestId('who').textContent).toBe('unauthenticated ')
  })

  it("does not re-render on the chart's internal steps (the 5 s expiry checks)", async () => {
    const { auth, clock } = makeClient()
    auth.start()
    await clock.flush()
    await auth.signIn(credentials)
    let renders = 0
    function Account() {
      renders += 1
      return <p>{useAuth().status}</p>
    }
    render(
      <AuthProvider client={auth}>
        <Account />
      </AuthProvider>,
    )
    let steps = 0
    auth.actor.subscribe(() => (steps += 1))
    await act(() => clock.advance(30_000))
    expect(steps).toBeGreaterThanOrEqual(5) // the chart did move, every 5 s
    expect(renders).toBe(1)
  })

  it('takes a new selector on a re-render (selectors that close over props)', async () => {
    const { auth, clock } = makeClient()
    auth.start()
    await clock.flush()
    await auth.signIn(credentials)
    function Claim({ name }: { name: string }) {
      return <p data-testid="claim">{String(useAuthSelector((s) => s.claims?.[name] ?? ''))}</p>
    }
    const { rerender } = render(
      <AuthProvider client={auth}>
        <Claim name="email" />
      </AuthProvider>,
    )
    expect(screen.getByTestId('claim').textContent).toBe('ada@example.com')
    rerender(
      <AuthProvider client={auth}>
        <Claim name="sub" />
      </AuthProvider>,
    )
    expect(screen.getByTestId('claim').textContent).toBe('user-ada@example.com')
  })
})
