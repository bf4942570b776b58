import { AuthProvider, useAuth } from 'authchart/react'
import { StrictMode, useEffect, useRef, useState, useSyncExternalStore, type FormEvent } from 'react'
import { createRoot } from 'react-dom/client'
import { createDemoClient } from './createDemoClient.js'
import { renderChart } from './renderChart.js'
import { clockTime, createDemoModel, type LogLine, refreshDueAt, seconds, tokenHash } from './demoModel.js'

// Created once, outside React: under <StrictMode> React mounts twice, and a client created in a
// component would restore twice and spend the refresh token twice.
const { auth, storage, inspector, chart } = createDemoClient()
const model = createDemoModel(auth, inspector, chart)
// For the browser tests and for poking at it from the devtools console.
Object.assign(window, { demo: { auth, model, storage } })

const useView = () => useSyncExternalStore(model.subscribe, model.getView)

function useNow(everyMs: number) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

// The snapshot carries no token: the page shows a fingerprint of the one its token sink received,
// as a realtime socket or an API client would get it.
function useTokenFingerprint() {
  const [fingerprint, setFingerprint] = useState<string | null>(null)
  useEffect(() => auth.addTokenSink((token) => setFingerprint(token === null ? null : tokenHash(token))), [])
  return fingerprint
}

function SessionCard() {
  const snapshot = useAuth()
  const fingerprint = useTokenFingerprint()
  const { chartState } = useView()
  const now = useNow(250)
  const session = snapshot.session
  const due = refreshDueAt(snapshot)
  const lifetime = session ? Number(session.claims.exp) - Number(session.claims.iat) : 0
  const left = session ? session.expiresAt - now : 0
  return (
    <section aria-label="Session">
      <h2>Session</h2>
      <span className="status" data-testid="status" data-status={snapshot.status}>
        {snapshot.status}
      </span>
      <dl>
        <dt>chart state</dt>
        <dd data-testid="chart-state">{chartState}</dd>
        <dt>user</dt>
        <dd data-testid="user">{snapshot.user?.email ?? '—'}</dd>
        <dt>access token</dt>
        <dd data-testid="token">{fingerprint ? `#${fingerprint} (fingerprint)` : 'none'}</dd>
        <dt>expires in</dt>
        <dd data-testid="expires">
          {session ? seconds(left) : '—'}
          {session && (
            <div className={due !== null && now >= due ? 'bar due' : 'bar'}>
              <div style={{ width: `${Math.min(100, (100 * left) / (lifetime * 1000 || 1))}%` }} />
            </div>
          )}
        </dd>
        <dt>refresh due in</dt>
        <dd data-testid="refresh-due">{due === null ? '—' : seconds(due - now)}</dd>
        <dt>plan (claim)</dt>
        <dd data-testid="plan">{session ? String(session.claims.plan ?? 'not set (try Update claims)') : '—'}</dd>
        <dt>session stored in</dt>
        <dd data-testid="storage">{storage}</dd>
      </dl>
    </section>
  )
}

function ActionsCard() {
  const { status } = useAuth()
  const { busy } = useView()
  const signedIn = status === 'authenticated' || status === 'refreshing'
  const signIn = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    void model.signIn(String(form.get('email')), String(form.get('password')))
  }
  return (
    <section aria-label="Actions">
      <h2>Actions</h2>
      <form onSubmit={signIn}>
        <input name="email" aria-label="email" type="email" autoComplete="username" defaultValue="ada@example.com" />
        <input
          name="password"
          aria-label="password"
          type="password"
          autoComplete="current-password"
          defaultValue="lovelace"
        />
        {/* Signing in again while signed in would replace the session: sign out first. */}
        <button className="primary" type="submit" disabled={busy !== null || signedIn}>
          Sign in
        </button>
      </form>
      <div className="actions">
        <button onClick={() => void model.signOut()} disabled={busy !== null || status === 'unauthenticated'}>
          Sign out
        </button>
        <small>here and in every other tab</small>
        <button onClick={() => void model.expireNow()} disabled={busy !== null || !signedIn}>
          Expire now
        </button>
        <small>force a refresh, as if the token were due: a new fingerprint</small>
        <button onClick={() => void model.restartServer()} disabled={busy !== null}>
          Restart server
        </button>
        <small>restart the REST server on its store, then refresh: still signed in</small>
        <button onClick={() => void model.updateClaims()} disabled={busy !== null || !signedIn}>
          Update claims
        </button>
        <small>change the plan on the server, then refresh until the token has it</small>
        <button onClick={() => void model.callApi()} disabled={busy !== null || !signedIn}>
          Call API
        </button>
        <small>auth.fetch(&apos;/auth/me&apos;) with the current token</small>
        <button onClick={() => model.openTab()}>Open another tab</button>
        <small>same profile: the tabs share the session and one refresh</small>
      </div>
      <p className="hint" data-testid="busy">
        {busy ? `${busy}…` : 'Sign in as ada@example.com / lovelace or grace@example.com / hopper.'}
      </p>
    </section>
  )
}

function Lines({ lines, empty, testId }: { lines: LogLine[]; empty: string; testId: string }) {
  if (lines.length === 0)
    return (
      <p className="none" data-testid={testId}>
        {empty}
      </p>
    )
  return (
    <ul data-testid={testId}>
      {lines.map((line) => (
        <li key={`${line.at}${line.text}`} className={line.kind}>
          <time>{clockTime(line.at)}</time>
          {line.text}
        </li>
      ))}
    </ul>
  )
}

function ErrorsCard() {
  const { error } = useAuth()
  const { errors } = useView()
  return (
    <section aria-label="Errors">
      <h2>Errors</h2>
      {/* snapshot.error is an AuthError: its message and code render as text. */}
      <p data-testid="snapshot-error" className={error ? 'alert' : 'none'}>
        {error ? `snapshot.error · ${error.code}: ${error.message}` : 'snapshot.error is null'}
      </p>
      <Lines lines={errors} empty="no error events yet" testId="errors" />
    </section>
  )
}

function ChartCard() {
  const view = useSyncExternalStore(chart.subscribe, chart.get)
  const container = useRef<HTMLDivElement>(null)
  // The SVG is drawn as a string (the same drawing as docs/statechart.svg), so it is set, not rendered.
  useEffect(() => {
    if (container.current) renderChart(container.current, view)
  }, [view])
  return (
    <section aria-label="Chart" className="chart-card">
      <div className="chart" data-testid="chart" ref={container} />
      <aside>
        <h2>The chart, live</h2>
        <p>
          Every state of <code>authMachine</code> is a box; every transition, eventless (<code>always</code>) and
          delayed (<code>after</code>) ones included, a row in its source with an arrow to its target.
        </p>
        <p>
          <b style={{ color: '#0b4fbf' }}>Blue</b>: the states the chart is in.{' '}
          <b style={{ color: '#b35c00' }}>Orange</b>: the last transition taken. Drawn by this page from the
          client&apos;s redacted inspection events: offline, no account.
        </p>
        <p data-testid="chart-last">{view.last ? `last transition: ${view.last}` : '—'}</p>
      </aside>
    </section>
  )
}

function HistoryCard() {
  const { history, activity } = useView()
  return (
    <section aria-label="History">
      <h2>Chart states on this page</h2>
      <ol data-testid="history">
        {history.map(({ at, state }) => (
          <li key={`${at}${state}`} data-state={state}>
            <time>{clockTime(at)}</time>
            {state}
          </li>
        ))}
      </ol>
      <h2 style={{ marginTop: '0.9rem' }}>Activity (buttons and other tabs)</h2>
      <Lines lines={activity} empty="nothing yet" testId="activity" />
    </section>
  )
}

function Header() {
  const { inspector: on } = useView()
  return (
    <header>
      <h1>authchart demo · React</h1>
      <nav>
        <a href="/" aria-current="page">
          React page
        </a>
        <a href="/vanilla">Vanilla JS page</a>
      </nav>
      <label>
        <input type="checkbox" checked={on} onChange={(event) => model.setInspector(event.target.checked)} /> XState
        inspector (tokens redacted)
      </label>
    </header>
  )
}

function Intro() {
  return (
    <p className="intro" data-testid="intro">
      One authchart client per page, against the reference REST server on this origin. The chart refreshes the access
      token when “refresh due in” reaches zero. Open a second tab: tabs share the session and a single refresh.
    </p>
  )
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <AuthProvider client={auth}>
      <Header />
      <Intro />
      <main>
        <SessionCard />
        <ActionsCard />
        <ChartCard />
        <ErrorsCard />
        <HistoryCard />
      </main>
    </AuthProvider>
  </StrictMode>,
)
