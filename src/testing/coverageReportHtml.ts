import type { AnyStateMachine } from 'xstate'
import { authMachine } from '../../machines/authMachine.js'
import { chartStates, chartTransitions } from './chartTransitions.js'
import { drawChart, guardsByKey, rowText } from './drawChart.js'

/** What a run covered: state ids and transition keys, as `recordCoverage` collects them. */
export interface ChartCoverage {
  states: ReadonlySet<string>
  transitions: ReadonlySet<string>
  /** Why a transition was left out, by key (for example a backend control the user did not give). */
  reasons?: ReadonlyMap<string, string>
  /** A line under the heading: the seed, the time taken, the number of scenarios. */
  summary?: string
  /** Steps the run left out, and why (a control move the backend lacks, an `exclude`). */
  leftOut?: ReadonlyArray<{ step: string; reason: string }>
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/**
 * A self-contained HTML page: the totals, the chart drawn by `drawChart` with covered transitions
 * green and missed ones red, and a table of every missed transition and state.
 *
 * @example
 * import { authMachine } from 'authchart'
 * import { coverageReportHtml, recordCoverage } from 'authchart/testing'
 *
 * const coverage = recordCoverage()
 * // ... run scenarios with `inspect: coverage.inspect` ...
 * const html = coverageReportHtml(coverage, authMachine)
 */
export function coverageReportHtml(coverage: ChartCoverage, machine: AnyStateMachine = authMachine): string {
  const transitions = chartTransitions(machine)
  const states = chartStates(machine)
  const missed = transitions.filter((t) => !coverage.transitions.has(t.key))
  const unvisited = states.filter((id) => !coverage.states.has(id))
  const percent = (part: number, whole: number) => (whole === 0 ? '100' : ((100 * part) / whole).toFixed(1))
  const covered = transitions.length - missed.length
  const guards = guardsByKey(machine)
  const rows = missed.map(
    (t) =>
      `<tr data-missed="${escape(t.key)}"><td><code>${escape(t.key)}</code></td><td>${escape(rowText(machine, t, guards.get(t.key)))}</td><td>${escape(coverage.reasons?.get(t.key) ?? '')}</td></tr>`,
  )
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>${escape(machine.id)} chart coverage</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem; color: #1b2430; }
.layout { display: grid; grid-template-columns: max-content minmax(28rem, 1fr); gap: 2rem; align-items: start; }
figure { margin: 0; }
table { border-collapse: collapse; } td, th { text-align: left; padding: 0.2rem 0.6rem; border-bottom: 1px solid #d8dee4; }
code { font-size: 12px; } .ok { color: #116329; } .bad { color: #b3151f; }
</style>
</head>
<body>
<h1>${escape(machine.id)} chart coverage</h1>
${coverage.summary ? `<p>${escape(coverage.summary)}</p>` : ''}
<p data-testid="totals">Transitions: <b>${covered} of ${transitions.length}</b> (${percent(covered, transitions.length)} %) · States: <b>${states.length - unvisited.length} of ${states.length}</b></p>
<div class="layout">
<figure>${drawChart(machine, { covered: coverage.transitions, coveredStates: coverage.states, title: `${machine.id} chart coverage` })}</figure>
<section>
<h2>Missed transitions (${missed.length})</h2>
${missed.length === 0 ? '<p class="ok">Every transition was taken.</p>' : `<table><thead><tr><th>transition</th><th>as drawn</th><th>why left out</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`}
${coverage.leftOut?.length ? `<h2>Steps left out (${coverage.leftOut.length})</h2>\n<ul>${coverage.leftOut.map((l) => `<li data-left-out="${escape(l.step)}"><code>${escape(l.step)}</code>: ${escape(l.reason)}</li>`).join('')}</ul>` : ''}
<h2>States never entered (${unvisited.length})</h2>
${unvisited.length === 0 ? '<p class="ok">Every state was entered.</p>' : `<ul class="bad">${unvisited.map((id) => `<li><code>${escape(id)}</code></li>`).join('')}</ul>`}
</section>
</div>
</body>
</html>
`
}
