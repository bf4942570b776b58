// @vitest-environment jsdom
import { mount } from 'authchart/vanilla'
import { createFakeAdapter, createFakeClock } from 'authchart/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { makeClient } from '../../fixtures/reloadWithStoredSession.js'
import { credentials } from '../../fixtures/setupClient.js'

afterEach(() => {
  document.body.innerHTML = ''
})

function element() {
  const el = document.createElement('output')
  document.body.append(el)
  return el
}

describe('mount', () => {
  it('shows the status and keeps it current until unmounted', async () => {
    const { auth, clock } = makeClient()
    const el = element()
    auth.start()
    const unmount = mount(el, auth)
    expect(el.textContent).toBe('restoring')
    expect(el.getAttribute('data-auth-status')).toBe('restoring')
    await clock.flush()
    expect(el.textContent).toBe('unauthenticated')
    await auth.signIn(credentials)
    expect(el.textContent).toBe('authenticated')
    expect(el.getAttribute('data-auth-status')).toBe('authenticated')
    unmount()
    await auth.signOut()
    expect(el.textContent).toBe('authenticated')
  })

  it('renders error.message through format', async () => {
    const clock = createFakeClock()
    const { auth } = makeClient({ clock, adapter: createFakeAdapter({ clock, users: { 'a@b.c': 'pw' } }) })
    auth.start()
    await clock.flush()
    const el = element()
    mount(el, auth, (s) => (s.error ? `${s.status}: ${s.error.message}` : s.status))
    await expect(auth.signIn({ email: 'a@b.c', password: 'wrong' })).rejects.toThrow()
    expect(el.textContent).toBe(`unauthenticated: ${auth.getSnapshot().error?.message}`)
    expect(el.textContent).toContain('invalid credentials')
  })

  it('writes text, never markup', () => {
    const { auth } = makeClient()
    const el = element()
    mount(el, auth, (s) => `<img src=x onerror=alert(1)> ${s.status}`)
    expect(el.children).toHaveLength(0)
    expect(el.textContent).toBe('<img src=x onerror=alert(1)> restoring')
  })
})
