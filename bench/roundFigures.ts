/**
 * Rounds every figure that is not a whole number to three significant digits (a thousand and
 * more to a whole number), through nested objects and arrays. The printed tables and
 * `bench/results.json` are built from the same rounded object, so they say the same thing, and
 * neither claims a precision that a run on a shared machine does not have.
 *
 * @example
 * roundFigures({ ms: 10.295334999999795, requests: 1 }) // { ms: 10.3, requests: 1 }
 */
export function roundFigures<T>(value: T): T {
  if (typeof value === 'number') {
    if (Number.isInteger(value) || !Number.isFinite(value)) return value
    const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))))
    return Number(value.toFixed(digits)) as T
  }
  if (Array.isArray(value)) return value.map((item: unknown) => roundFigures(item)) as T
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, roundFigures(item)])) as T
  }
  return value
}
