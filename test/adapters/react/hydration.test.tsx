// @vitest-environment jsdom
import { AuthProvider, useAuthSelector } from 'authchart/react'
import { act, cleanup } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, expect, it, vi } from 'vitest'
import { makeClient } from '../../fixtures/reloadWithStoredSession.js'
import { credentials } from '../../fixtures/setupClient.js'

afterEach(cleanup)

function Status() {
  return <p>{useAuthSelector((s) => s.status)}</p>
}

it('hydrates server HTML without a mismatch when the browser already holds a session', async () => {
  const server = makeClient()
  const serverHtml = renderToString(
    <AuthProvider client={server.auth}>
      <Status />
    </AuthProvider>,
  )
  expect(serverHtml).toBe('<p>restoring</p>')

  const { auth, clock } = makeClient()
  auth.start()
  await clock.flush()
  await auth.signIn(credentials) // settled before React hydrates, as a fast restore would be
  const container = document.createElement('div')
  container.innerHTML = serverHtml
  document.body.append(container)
  const recoverable = vi.fn()
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
  let root: ReturnType<typeof hydrateRoot> | undefined
  await act(async () => {
    root = hydrateRoot(
      container,
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
      { onRecoverableError: recoverable },
    )
  })
  expect(recoverable).not.toHaveBeenCalled()
  expect(logged).not.toHaveBeenCalled()
  expect(container.textContent).toBe('authenticated')
  logged.mockRestore()
  act(() => root?.unmount())
  container.remove()
})
