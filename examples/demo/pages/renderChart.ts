import { authMachine } from 'authchart'
import { drawChart } from 'authchart/testing'
import type { ChartView } from './createChartFeed.js'

/**
 * Draws the chart into `container` with the current states and the last transition marked, and
 * scrolls the container (not the page) so the innermost current state is in view, with the row of
 * the last transition when both fit. Redraws only when something changed.
 *
 * @example
 * chart.subscribe(() => renderChart(byTestId('chart'), chart.get()))
 */
export function renderChart(container: HTMLElement, view: ChartView): void {
  const current = view.current.join(' ')
  const last = view.last ?? ''
  if (container.dataset.current === current && container.dataset.last === last && container.firstChild) return
  container.innerHTML = drawChart(authMachine, { current: view.current, last: view.last, title: 'authchart, live' })
  container.dataset.current = current
  container.dataset.last = last
  const active = container.querySelectorAll<SVGGElement>('[data-active="true"]')
  const innermost = active[active.length - 1]?.querySelector('rect')
  if (!innermost) return
  // The current state in view, and the row of the transition that led there too when both fit.
  const frame = container.getBoundingClientRect()
  const box = innermost.getBoundingClientRect()
  const row = container.querySelector('g[data-mark="last"]')?.getBoundingClientRect()
  const top = row ? Math.min(box.top, row.top) : box.top
  const bottom = row ? Math.max(box.bottom, row.bottom) : box.bottom
  const [from, to] = bottom - top <= frame.height - 16 ? [top, bottom] : [box.top, box.bottom]
  if (from < frame.top || to > frame.bottom) {
    container.scrollTop += from - frame.top - Math.max(8, (frame.height - (to - from)) / 3)
  }
}
