// @vitest-environment jsdom
import { AuthError } from 'authchart'
import { AuthProvider, useAuth, useAuthClient } from 'authchart/react'
import { createFakeAdapter, createFakeClock, type FakeCredentials } from 'authchart/testing'
import { act, cleanup, fireEvent, render, renderHook, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { makeClient } from '../../fixtures/reloadWithStoredSession.js'
import { credentials } from '../../fixtures/setupClient.js'
import { heldSession } from '../../fixtures/heldSession.js'

afterEach(cleanup)

async function startedClient(users?: Record<string, string>) {
  const clock = createFakeClock()
  const env = makeClient({ clock, adapter: createFakeAdapter({ clock, users }) })
  env.auth.start()
  await act(() => clock.flush())
  return env
}

describe('useAuth', () => {
  it('returns the snapshot and signIn, getToken, refresh, signOut that drive the client', async () => {
    const { auth, adapter } = await startedClient()
    const wrapper = ({ children }: { children: ReactNode }) => <AuthProvider client={auth}>{children}</AuthProvider>
    const { result } = renderHook(() => useAuth<FakeCredentials>(), { wrapper })
    expect(result.current.status).toBe('unauthenticated')

    await act(() => result.current.signIn(credentials))
    expect(result.current.status).toBe('authenticated')
    expect(result.current.user?.email).toBe(credentials.email)
    expect(result.current.claims?.email).toBe(credentials.email)
    expect(result.current.session).toBe(auth.getSnapshot().session)
    await expect(result.current.getToken()).resolves.toBe(heldSession(auth)?.accessToken)

    const calls = result.current
    await act(() => result.current.refresh({ force: true }))
    expect(adapter.calls.refresh).toBe(1)
    // The hook's session is the snapshot's: the refreshed one, and token-free.
    expect(result.current.session?.claims.jti).toEqual(expect.any(String))
    expect(result.current.session?.claims.jti).toBe(heldSession(auth)?.claims.jti)
    expect(result.current.session).not.toHaveProperty('accessToken')
    expect(result.current.session).not.toHaveProperty('refreshToken')
    expect(result.current.signIn).toBe(calls.signIn) // stable across renders, fit for deps arrays

    await act(() => result.current.signOut())
    expect(result.current.status).toBe('unauthenticated')
    expect(result.current.session).toBeNull()
  })

  it('renders snapshot.error: a failed sign-in shows its message', async () => {
    const { auth } = await startedClient({ [credentials.email]: credentials.password })
    function SignIn() {
      const { status, error, signIn } = useAuth<FakeCredentials>()
      const onClick = () => {
        // The failure is not lost: it is in snapshot.error, rendered below, and emitted.
        signIn({ email: credentials.email, password: 'wrong' }).catch((e: unknown) => e)
      }
      return (
        <div>
          <p data-testid="status">{status}</p>
          {error && (
            <p role="alert" data-code={error.code}>
              {error.message}
            </p>
          )}
          <button onClick={onClick}>Sign in</button>
        </div>
      )
    }
    render(
      <AuthProvider client={auth}>
        <SignIn />
      </AuthProvider>,
    )
    expect(screen.queryByRole('alert')).toBeNull()
    await act(async () => {
      fireEvent.click(screen.getByText('Sign in'))
    })
    const error = auth.getSnapshot().error
    expect(error).toBeInstanceOf(AuthError)
    expect(screen.getByTestId('status').textContent).toBe('unauthenticated')
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toBe(error?.message)
    expect(alert.textContent).toContain('invalid credentials')
    expect(alert.getAttribute('data-code')).toBe(error?.code)
  })

  it('gives the client itself to useAuthClient, for fetch and token sinks', async () => {
    const { auth } = await startedClient()
    const wrapper = ({ children }: { children: ReactNode }) => <AuthProvider client={auth}>{children}</AuthProvider>
    const { result } = renderHook(() => useAuthClient(), { wrapper })
    expect(result.current).toBe(auth)
  })

  it('throws a clear error without an AuthProvider', () => {
    // React logs the thrown error too, and React 18 in development also re-throws it inside a
    // jsdom event, which jsdom reports unless the page handles it. The assertion below is the check.
    const quiet = console.error
    console.error = () => undefined
    const handled = (event: ErrorEvent) => event.preventDefault()
    window.addEventListener('error', handled)
    try {
      expect(() => renderHook(() => useAuth())).toThrow(/no <AuthProvider client=/)
    } finally {
      console.error = quiet
      window.removeEventListener('error', handled)
    }
  })
})
