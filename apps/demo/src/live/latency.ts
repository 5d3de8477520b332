/**
 * @module live/latency — the demo's P50/P95 for a session of a few requests. The client's
 * metrics use a quantile sketch, which is right for many samples but, with few, answers the
 * lower rank: for samples 1.11 s and 3.94 s it showed a P95 of 1.11 s. While the session has at
 * most `limit` samples, the panel uses the exact nearest-rank percentile of the samples it saw
 * (P95 of two samples is the larger); past that, the sketch's figure.
 */

/** The latencies of one page session, up to a limit. */
export interface LatencyWindow {
  add(ms: number): void
  /** Nearest-rank `q` quantile of every sample, or undefined past the limit (or with none). */
  quantile(q: number): number | undefined
}

/**
 * A window that keeps up to `limit` samples.
 *
 * @example
 * const w = createLatencyWindow()
 * w.add(1110); w.add(3940)
 * w.quantile(0.95) // 3940
 */
export function createLatencyWindow(limit = 200): LatencyWindow {
  const samples: number[] = []
  let seen = 0
  return {
    add(ms) {
      seen++
      if (samples.length < limit) samples.push(ms)
    },
    quantile(q) {
      if (samples.length === 0 || seen > samples.length) return undefined
      const sorted = [...samples].sort((a, b) => a - b)
      const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
      return sorted[rank - 1]
    },
  }
}
