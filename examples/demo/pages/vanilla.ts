import type { AuthSnapshot } from 'authchart'
import { mount, watch } from 'authchart/vanilla'
import { createDemoClient } from './createDemoClient.js'
import { renderChart } from './renderChart.js'
import { clockTime, createDemoModel, type LogLine, refreshDueAt, seconds, tokenHash } from './demoModel.js'

const { auth, storage, inspector, chart } = createDemoClient()
const model = createDemoModel(auth, inspector, chart)
// For the browser tests and for poking at it from the devtools console.
Object.assign(window, { demo: { auth, model, storage } })

const byTestId = (id: string) => {
  const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)
  if (!element) throw new Error(`demo page: no [data-testid="${id}"]`)
  return element
}
const text = (id: string, value: string) => {
  const element = byTestId(id)
  if (element.textContent !== value) element.textContent = value
}

// The status badge: `mount` keeps its text and its data-auth-status attribute current.
const badge = byTestId('status')
mount(badge, auth)
watch(
  auth,
  (s) => s.status,
  (status) => (badge.dataset.status = status),
)
badge.dataset.status = auth.getSnapshot().status

watch(
  auth,
  (s) => s.user?.email ?? '—',
  (email) => text('user', email),
)
text('user', auth.getSnapshot().user?.email ?? '—')
text('storage', storage)
// The snapshot carries no token: show a fingerprint of the one the token sink received.
auth.addTokenSink((token) => text('token', token === null ? 'none' : `#${tokenHash(token)} (fingerprint)`))
const showToken = (s: AuthSnapshot) => {
  text('plan', s.session ? String(s.session.claims.plan ?? 'not set (try Update claims)') : '—')
}
watch(
  auth,
  (s) => s.session,
  () => showToken(auth.getSnapshot()),
)
showToken(auth.getSnapshot())
const showError = (s: AuthSnapshot) => {
  const element = byTestId('snapshot-error')
  element.className = s.error ? 'alert' : 'none'
  text('snapshot-error', s.error ? `snapshot.error · ${s.error.code}: ${s.error.message}` : 'snapshot.error is null')
}
watch(
  auth,
  (s) => s.error,
  () => showError(auth.getSnapshot()),
)
showError(auth.getSnapshot())

// The countdown: a 250 ms tick, like the React page.
const tick = () => {
  const snapshot = auth.getSnapshot()
  const session = snapshot.session
  const now = Date.now()
  const due = refreshDueAt(snapshot)
  const expires = byTestId('expires')
  if (!session) {
    text('expires', '—')
  } else {
    const lifetime = (Number(session.claims.exp) - Number(session.claims.iat)) * 1000 || 1
    const left = session.expiresAt - now
    expires.replaceChildren(seconds(left))
    const bar = document.createElement('div')
    bar.className = due !== null && now >= due ? 'bar due' : 'bar'
    const fill = document.createElement('div')
    fill.style.width = `${Math.min(100, (100 * left) / lifetime)}%`
    bar.append(fill)
    expires.append(bar)
  }
  text('refresh-due', due === null ? '—' : seconds(due - now))
}
setInterval(tick, 250)
tick()

const renderLines = (id: string, lines: LogLine[], empty: string) => {
  const list = byTestId(id)
  list.replaceChildren(
    ...(lines.length === 0
      ? [Object.assign(document.createElement('li'), { className: 'none', textContent: empty })]
      : lines.map((line) => {
          const item = document.createElement('li')
          item.className = line.kind
          const time = document.createElement('time')
          time.textContent = clockTime(line.at)
          item.append(time, line.text)
          return item
        })),
  )
}

const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('button'))
const render = () => {
  const view = model.getView()
  const { status } = auth.getSnapshot()
  const signedIn = status === 'authenticated' || status === 'refreshing'
  text('chart-state', view.chartState)
  tick()
  renderLines('errors', view.errors, 'no error events yet')
  renderLines('activity', view.activity, 'nothing yet')
  byTestId('history').replaceChildren(
    ...view.history.map(({ at, state }) => {
      const item = document.createElement('li')
      const time = document.createElement('time')
      time.textContent = clockTime(at)
      item.dataset.state = state
      item.append(time, state)
      return item
    }),
  )
  text('busy', view.busy ? `${view.busy}…` : 'Sign in as ada@example.com / lovelace or grace@example.com / hopper.')
  for (const button of buttons) {
    const action = button.dataset.action
    const needsSession = action === 'expireNow' || action === 'updateClaims' || action === 'callApi'
    button.disabled =
      action !== 'openTab' &&
      (view.busy !== null ||
        (needsSession && !signedIn) ||
        (action === 'signIn' && signedIn) ||
        (action === 'signOut' && status === 'unauthenticated'))
  }
  ;(document.getElementById('inspector') as HTMLInputElement).checked = view.inspector
}
model.subscribe(render)
auth.subscribe(render)
render()

const drawChart = () => {
  renderChart(byTestId('chart'), chart.get())
  text('chart-last', chart.get().last ? `last transition: ${chart.get().last}` : '—')
}
chart.subscribe(drawChart)
drawChart()

document.getElementById('sign-in')?.addEventListener('submit', (event) => {
  event.preventDefault()
  const form = new FormData(event.currentTarget as HTMLFormElement)
  void model.signIn(String(form.get('email')), String(form.get('password')))
})
const actions: Record<string, () => unknown> = {
  signOut: model.signOut,
  expireNow: model.expireNow,
  restartServer: model.restartServer,
  updateClaims: model.updateClaims,
  callApi: model.callApi,
  openTab: model.openTab,
}
for (const button of buttons) {
  const action = actions[button.dataset.action ?? '']
  // The model's actions log their own failures, so the promise needs no handler here.
  if (action) button.addEventListener('click', () => void action())
}
document.getElementById('inspector')?.addEventListener('change', (event) => {
  model.setInspector((event.target as HTMLInputElement).checked)
})
