// @vitest-environment jsdom
import { createAuthClient, createMemoryStorage } from 'authchart'
import { AuthProvider, useAuthSelector } from 'authchart/react'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { act, cleanup, render, screen } from '@testing-library/react'
import { StrictMode, useState } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { reloadWithStoredSession } from '../../fixtures/reloadWithStoredSession.js'
import { credentials, HOUR, MINUTE } from '../../fixtures/setupClient.js'

afterEach(cleanup)

function Status() {
  return <p data-testid="status">{useAuthSelector((s) => s.status)}</p>
}

describe('StrictMode', () => {
  it('sends exactly one refresh for a due stored session when the client is created outside React', async () => {
    const { auth, adapter, clock, callsBefore } = await reloadWithStoredSession(HOUR)
    auth.start()
    render(
      <StrictMode>
        <AuthProvider client={auth}>
          <Status />
        </AuthProvider>
      </StrictMode>,
    )
    await act(() => clock.advance(MINUTE))
    expect(adapter.calls.refresh - callsBefore.refresh).toBe(1)
    expect(adapter.calls.validate - callsBefore.validate).toBe(0)
    expect(screen.getByTestId('status').textContent).toBe('authenticated')
    expect(auth.getSnapshot().error).toBeNull()
  })

  it('sends exactly one validation for a fresh stored session', async () => {
    const { auth, adapter, clock, callsBefore } = await reloadWithStoredSession(10 * MINUTE)
    auth.start()
    render(
      <StrictMode>
        <AuthProvider client={auth}>
          <Status />
        </AuthProvider>
      </StrictMode>,
    )
    await act(() => clock.advance(MINUTE))
    expect(adapter.calls.validate - callsBefore.validate).toBe(1)
    expect(adapter.calls.refresh - callsBefore.refresh).toBe(0)
    expect(screen.getByTestId('status').textContent).toBe('authenticated')
  })

  it('why: a client created inside a component restores twice and spends the refresh token twice', async () => {
    // The pattern AuthProvider's API rules out. It proves this test environment really runs
    // StrictMode's double invocation, so the tests above would catch a regression.
    const clock = createFakeClock()
    const adapter = createFakeAdapter({ clock })
    const storage = createMemoryStorage()
    const earlier = createAuthClient({ adapter, clock, storage, tabs: false }).start()
    await clock.flush()
    await earlier.signIn(credentials)
    earlier.stop()
    clock.jump(HOUR)

    function InlineClient() {
      // StrictMode calls this initialiser twice; each call starts a client that restores.
      useState(() => createAuthClient({ adapter, clock, storage, tabs: false }).start())
      return null
    }
    render(
      <StrictMode>
        <InlineClient />
      </StrictMode>,
    )
    await act(() => clock.advance(MINUTE))
    expect(adapter.calls.refresh).toBe(2)
    expect(new Set(adapter.refreshTokensSent).size).toBe(1) // the same refresh token, sent twice
  })
})
