// No DOM here: the default node environment, as on a server.
import { createAuthClient, createMemoryStorage } from 'authchart'
import { AuthProvider, useAuth, useAuthSelector } from 'authchart/react'
import { bindBrowserEvents } from 'authchart/vanilla'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { credentials } from '../../fixtures/setupClient.js'

function Page() {
  const status = useAuthSelector((s) => s.status)
  const { user } = useAuth()
  return (
    <p>
      {status} {user?.email ?? 'nobody'}
    </p>
  )
}

describe('server rendering', () => {
  it('imports the bindings and renders without window or document', async () => {
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
    const clock = createFakeClock()
    const auth = createAuthClient({
      adapter: createFakeAdapter({ clock }),
      clock,
      storage: createMemoryStorage(),
    }).start()
    await clock.flush()
    await auth.signIn(credentials)
    const html = renderToString(
      <AuthProvider client={auth}>
        <Page />
      </AuthProvider>,
    )
    // The server cannot see the browser's stored session; it renders the state the browser
    // hydrates with, and the browser then renders its own.
    expect(html).toBe('<p>restoring<!-- --> <!-- -->nobody</p>')
  })

  it('binds no browser events where there is no window', async () => {
    const clock = createFakeClock()
    const auth = createAuthClient({ adapter: createFakeAdapter({ clock }), clock, storage: createMemoryStorage() })
    const unbind = bindBrowserEvents(auth)
    expect(unbind).toBeTypeOf('function')
    unbind()
  })
})
