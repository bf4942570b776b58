import { authMachine } from 'authchart'
import { drawChart } from 'authchart/testing'
import type { ChartView } from './createChartFeed.js'

/**
 * Draws the chart into `container` with the current states and the last transition marked, and
 * scrolls the container (not the page) so the innermost current state is in view. Redraws only
 * when something changed.
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
  const box = innermost.getBoundingClientRect()
  const frame = container.getBoundingClientRect()
  if (box.top < frame.top || box.bottom > frame.bottom) {
    container.scrollTop += box.top - frame.top - Math.max(0, (frame.height - box.height) / 3)
  }
}
