import { authMachine } from 'authchart'
import { chartStates, chartTransitions, coverageReportHtml, drawChart, stateIdsOf } from 'authchart/testing'
import { describe, expect, it } from 'vitest'
import { createMachine } from 'xstate'

const attr = (svg: string, name: string) => [...svg.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((m) => m[1])

// A chart as issue 14 may make it: a parallel root with a network region, eventless and delayed
// transitions, a final state and a state id the drawing has never seen.
const parallelMachine = createMachine({
  id: 'app',
  type: 'parallel',
  states: {
    session: {
      initial: 'idle',
      on: { reset: '.idle' },
      states: {
        idle: { always: [{ guard: () => false, target: 'busy' }], on: { go: 'busy' } },
        busy: { after: { 500: 'idle' }, on: { stop: 'done' } },
        done: { type: 'final' },
      },
    },
    network: {
      initial: 'online',
      states: { online: { on: { 'network.offline': 'offline' } }, offline: { on: { 'network.online': 'online' } } },
    },
  },
})

// Each state's box as drawn: the first rect after its data-state.
function boxes(svg: string) {
  return [
    ...svg.matchAll(/data-state="([^"]+)"[^>]*>\n<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g),
  ].map(([, id, x, y, w, h]) => ({ id: id as string, x: +x!, y: +y!, right: +x! + +w!, bottom: +y! + +h! }))
}

describe('drawChart', () => {
  it.each([
    ['authMachine', authMachine],
    ['a parallel chart', parallelMachine],
  ])('%s: every state and every transition of chartTransitions is in the SVG', (_, machine) => {
    const svg = drawChart(machine)
    expect(new Set(attr(svg, 'data-state'))).toEqual(new Set([machine.id, ...chartStates(machine)]))
    const rows = attr(svg, 'data-transition')
    for (const t of chartTransitions(machine)) {
      // one row, plus one arrow per target
      expect(
        rows.filter((key) => key === t.key),
        t.key,
      ).toHaveLength(1 + t.targets.length)
    }
    if (machine === parallelMachine) {
      expect(svg).toContain('class="state compound region" data-state="app.network"')
      expect(svg).toContain('app ∥ parallel')
    }
    expect(chartTransitions(machine).some((t) => t.event === 'always')).toBe(true)
    expect(chartTransitions(machine).some((t) => t.event.startsWith('after'))).toBe(true)
  })

  it.each([
    ['authMachine', authMachine],
    ['a parallel chart', parallelMachine],
  ])('%s: boxes nest inside their parent, siblings never overlap, arrows run right of every box', (_, machine) => {
    const svg = drawChart(machine)
    const drawn = boxes(svg)
    expect(drawn).toHaveLength(chartStates(machine).length + 1)
    const byId = new Map(drawn.map((b) => [b.id, b]))
    for (const box of drawn) {
      const parent = byId.get(box.id.slice(0, box.id.lastIndexOf('.')))
      if (!parent) continue
      expect(box.x).toBeGreaterThan(parent.x)
      expect(box.right).toBeLessThan(parent.right)
      expect(box.y).toBeGreaterThan(parent.y)
      expect(box.bottom).toBeLessThan(parent.bottom)
      for (const other of drawn.filter(
        (o) => o !== box && o.id.startsWith(`${parent.id}.`) && !o.id.slice(parent.id.length + 1).includes('.'),
      )) {
        expect(box.bottom < other.y || other.bottom < box.y, `${box.id} overlaps ${other.id}`).toBe(true)
      }
    }
    const rightmost = Math.max(...drawn.map((b) => b.right))
    for (const [, d] of svg.matchAll(/class="edge[^"]*"[^>]* d="([^"]+)"/g)) {
      const lane = Number(/H([\d.]+)V/.exec(d!)?.[1])
      expect(lane).toBeGreaterThan(rightmost)
    }
  })

  it('marks the current states, the last transition, and covered and missed ones', () => {
    const current = stateIdsOf(authMachine, { session: { refreshing: 'requesting' }, network: 'offline' })
    expect(current).toEqual([
      'auth.session',
      'auth.session.refreshing',
      'auth.session.refreshing.requesting',
      'auth.network',
      'auth.network.offline',
    ])
    const last = 'auth.session.refreshing.starting --always[3]'
    const svg = drawChart(authMachine, { current, last })
    expect(svg).toContain('data-state="auth.session.refreshing" data-active="true"')
    expect(svg).toContain('data-state="auth.session.refreshing.requesting" data-active="true"')
    expect(svg).toContain('data-state="auth.network.offline" data-active="true"')
    expect(attr(svg, 'data-active')).toHaveLength(5)
    expect(svg).toContain(`data-transition="${last}" data-mark="last"`)
    expect(svg).toMatch(new RegExp(`class="edge last" data-transition="${last.replace(/[[\]]/g, '\\$&')}"`))

    const covered = new Set(['auth.session --auth.signIn[0]'])
    const marked = drawChart(authMachine, { covered })
    expect(marked).toContain('data-transition="auth.session --auth.signIn[0]" data-mark="covered"')
    expect(attr(marked, 'data-mark').filter((m) => m === 'missed')).toHaveLength(
      chartTransitions(authMachine).length - 1,
    )
  })

  it('names the guard and the invoked actor of each branch', () => {
    const svg = drawChart(authMachine)
    expect(svg).toContain('always [isBackingOff] → backingOff')
    expect(svg).toContain('done restoreSession')
    expect(svg).toContain('[not(canRefreshSession)]')
  })
})

describe('coverageReportHtml', () => {
  it('gives the totals, the chart with covered transitions marked and a table of the missed ones', () => {
    const all = chartTransitions(authMachine)
    const taken = all.slice(0, 10).map((t) => t.key)
    const html = coverageReportHtml({
      states: new Set(['auth.session.restoring']),
      transitions: new Set(taken),
      reasons: new Map([[all[20]!.key, 'no backend control: revokeSession']]),
    })
    expect(html).toContain(`Transitions: <b>10 of ${all.length}</b>`)
    expect(html).toContain(`States: <b>1 of ${chartStates(authMachine).length}</b>`)
    expect(attr(html, 'data-missed')).toEqual(all.slice(10).map((t) => t.key))
    expect(html).toContain('no backend control: revokeSession')
    expect(attr(html, 'data-mark').filter((m) => m === 'covered')).toHaveLength(10)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
  })
})
