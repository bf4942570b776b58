/**
 * A table as Markdown, columns padded so it reads in a terminal too, and pastes into
 * docs/benchmarks.md as it is. Rows are named by their keys; columns by the first row's keys.
 *
 * @example
 * console.log(formatTable({ 'authchart getToken()': { 'per call': '88.7 ns' } }))
 */
export function formatTable(rows: Record<string, Record<string, string | number>>): string {
  const names = Object.keys(rows)
  const columns = Object.keys(rows[names[0] ?? ''] ?? {})
  const cells = [['', ...columns], ...names.map((name) => [name, ...columns.map((c) => String(rows[name]?.[c] ?? ''))])]
  const widths = cells[0]!.map((_, i) => Math.max(3, ...cells.map((row) => row[i]!.length)))
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  const [head = [], ...body] = cells
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
}
