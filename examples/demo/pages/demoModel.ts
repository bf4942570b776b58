import type { AuthClient, AuthSnapshot } from 'authchart'
import type { RestCredentials } from 'authchart/rest'
import type { ChartFeed } from './createChartFeed.js'

export interface LogLine {
  at: number
  text: string
  /** `error` lines are failures; `info` lines are what an action did. */
  kind: 'error' | 'info'
}

/** What the demo shows besides the snapshot: the chart's state path and the logs. */
export interface DemoView {
  /** The full chart state, e.g. `refreshing.requesting`. */
  chartState: string
  /** The chart states this page went through, oldest first (last 14). */
  history: { at: number; state: string }[]
  /** `error` and `refreshRejected` events of the client, newest first (last 6). */
  errors: LogLine[]
  /** What each button did, newest first (last 6). */
  activity: LogLine[]
  /** The label of the action running, or null. */
  busy: string | null
  inspector: boolean
}

export interface DemoModel {
  getView(): DemoView
  subscribe(listener: () => void): () => void
  signIn(email: string, password: string): Promise<void>
  signOut(): Promise<void>
  expireNow(): Promise<void>
  restartServer(): Promise<void>
  updateClaims(): Promise<void>
  callApi(): Promise<void>
  openTab(): void
  setInspector(on: boolean): void
}

type StateValue = string | { [key: string]: StateValue }
const stateName = (value: StateValue): string => {
  if (typeof value === 'string') return value
  const [key, child] = Object.entries(value)[0] ?? ['?', '']
  return child === undefined || (typeof child === 'object' && Object.keys(child).length === 0)
    ? key
    : `${key}.${stateName(child)}`
}

// The chart's two regions as the page shows them: the session's path (`refreshing.backingOff`), and
// `(offline)` while the network region says so. A plain string is the public status, shown before
// the first inspection event arrives.
const chartStateOf = (value: StateValue): string => {
  if (typeof value === 'string') return value
  const { session, network } = value as { session: StateValue; network?: StateValue }
  return `${stateName(session)}${network === 'offline' ? ' (offline)' : ''}`
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))
const codeOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? `${String(error.code)}: ` : ''

/**
 * The demo's buttons and logs, shared by the React and the vanilla page so both behave the
 * same. Every failure of a button lands in the activity log (and the client's own `error`
 * events in the error list); nothing is swallowed.
 *
 * @example
 * const model = createDemoModel(auth, inspector, chart)
 * model.subscribe(() => render(model.getView()))
 * await model.expireNow()
 */
export function createDemoModel(
  auth: AuthClient<RestCredentials>,
  inspector: { start(): void; stop(): void },
  chart: ChartFeed,
): DemoModel {
  const listeners = new Set<() => void>()
  let view: DemoView = {
    chartState: chartStateOf((chart.get().value ?? auth.getSnapshot().status) as StateValue),
    history: [],
    errors: [],
    activity: [],
    busy: null,
    inspector: false,
  }
  const update = (change: Partial<DemoView>) => {
    view = { ...view, ...change }
    for (const listener of listeners) listener()
  }
  view.history = [{ at: Date.now(), state: view.chartState }]
  // The chart's state from the client's redacted inspection events, not from its actor.
  chart.subscribe(() => {
    const chartState = chartStateOf(chart.get().value as StateValue)
    if (chartState === view.chartState) return
    update({ chartState, history: [...view.history, { at: Date.now(), state: chartState }].slice(-14) })
  })
  const logError = (text: string) =>
    update({ errors: [{ at: Date.now(), text, kind: 'error' as const }, ...view.errors].slice(0, 6) })
  const logActivity = (text: string, kind: LogLine['kind'] = 'info') =>
    update({ activity: [{ at: Date.now(), text, kind }, ...view.activity].slice(0, 6) })
  // A change no button of this page caused comes from another tab (or the server): say so, or
  // a person watching this tab sees it sign out by itself.
  let lastStatus = auth.getSnapshot().status
  auth.subscribe(({ status }) => {
    const from = lastStatus
    lastStatus = status
    if (view.busy !== null || from === status) return
    if (status === 'unauthenticated' && from !== 'restoring' && from !== 'signingOut') {
      logActivity('Signed out by another tab')
    } else if (status === 'authenticated' && from === 'unauthenticated') {
      logActivity('Signed in by another tab')
    }
  })
  auth.on('error', ({ error }) => logError(`error event · ${codeOf(error)}${messageOf(error)}`))
  auth.on('refreshRejected', ({ error, tokenAge }) =>
    logError(
      `refreshRejected · ${error.message}` +
        (tokenAge === null ? '' : ` (refresh token ${Math.round(tokenAge / 1000)} s old)`),
    ),
  )

  // Runs one button's work; its outcome, good or bad, goes to the activity log.
  const run = async (label: string, work: () => Promise<string>) => {
    update({ busy: label })
    try {
      logActivity(`${label}: ${await work()}`)
    } catch (error) {
      logActivity(`${label} failed · ${codeOf(error)}${messageOf(error)}`, 'error')
    } finally {
      update({ busy: null })
    }
  }

  return {
    getView: () => view,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    signIn: (email, password) =>
      run('Sign in', async () => {
        const session = await auth.signIn({ email, password })
        return `signed in as ${session.user.email ?? session.user.id}`
      }),
    signOut: () =>
      run('Sign out', async () => {
        await auth.signOut()
        return 'signed out in every tab'
      }),
    expireNow: () =>
      run('Expire now', async () => {
        await auth.refresh({ force: true, description: 'demo: expire now' })
        return 'forced refresh done: new token'
      }),
    restartServer: () =>
      run('Restart server', async () => {
        const answer = await fetch('/demo/restart', { method: 'POST' })
        if (!answer.ok) throw new Error(`restart answered ${answer.status}`)
        const { restartedInMs } = (await answer.json()) as { restartedInMs: number }
        // The point of a durable store: the refresh token issued before the restart still works.
        await auth.refresh({ force: true, description: 'demo: after restart' })
        return `REST server restarted in ${restartedInMs} ms; refresh after it worked`
      }),
    updateClaims: () =>
      run('Update claims', async () => {
        // Toggle what the token carries now, so that a fresh page always changes something.
        const plan = auth.getSnapshot().claims?.plan === 'pro' ? 'free' : 'pro'
        const answer = await auth.fetch('/auth/claims', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ claims: { plan } }),
        })
        if (!answer.ok) throw new Error(`POST /auth/claims answered ${answer.status}`)
        await auth.refresh({ force: true, until: (claims) => claims.plan === plan, timeoutMs: 10_000 })
        return `plan is now "${plan}" in the token`
      }),
    callApi: () =>
      run('Call API', async () => {
        const answer = await auth.fetch('/auth/me')
        return `GET /auth/me → ${answer.status}`
      }),
    openTab() {
      window.open(location.href, '_blank')
      logActivity('Opened another tab: sign in or out there and watch this one follow')
    },
    setInspector(on) {
      if (on) inspector.start()
      else inspector.stop()
      update({ inspector: on })
    },
  }
}

/** A short, stable fingerprint of a token: enough to tell tokens apart, useless to an attacker. */
export function tokenHash(token: string): string {
  // FNV-1a, 32 bits: synchronous, unlike crypto.subtle, so it fits in a render.
  let hash = 0x811c9dc5
  for (let i = 0; i < token.length; i += 1) {
    hash ^= token.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

/** When the chart will refresh: the margin is 60 s, capped at half the token's lifetime. */
export function refreshDueAt(snapshot: AuthSnapshot): number | null {
  const session = snapshot.session
  if (!session) return null
  const { iat, exp } = session.claims
  const lifetime = typeof iat === 'number' && typeof exp === 'number' ? (exp - iat) * 1000 : Infinity
  return session.expiresAt - Math.min(60_000, lifetime / 2)
}

export const seconds = (ms: number) => `${Math.max(0, ms / 1000).toFixed(1)} s`
export const clockTime = (at: number) => new Date(at).toLocaleTimeString([], { hour12: false })
