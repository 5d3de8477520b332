/**
 * @module stats — exact quantiles of a benchmark's samples. The samples of one run are few
 * (hundreds to tens of thousands), so sorting them is exact and cheap; the edge's own metrics
 * use a mergeable sketch because they are long-lived and merged across isolates, which these
 * are not.
 */

/** A latency summary, in the unit of the samples. */
export interface Summary {
  n: number
  min: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/**
 * The `q` quantile (0..1) of ascending `sorted`, nearest-rank; NaN when empty.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5) // 2
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1] as number
}

/**
 * Summarises samples.
 *
 * @example
 * summarize([12, 10, 11]).p50 // 11
 */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  }
}

/**
 * Rounds for display and JSON: 3 significant digits above 1, 3 decimals below.
 *
 * @example
 * round(1234.567) // 1235
 */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x
  if (Math.abs(x) >= 100) return Math.round(x)
  if (Math.abs(x) >= 1) return Math.round(x * 100) / 100
  return Math.round(x * 1000) / 1000
}
