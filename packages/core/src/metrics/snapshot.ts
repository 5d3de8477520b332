/**
 * @module metrics/snapshot — what a registry holds (families of labelled series) and how it
 * becomes the plain-JSON `MetricsSnapshot` that Prometheus text, METRIC lines and merging read.
 */
import type { QuantileSketch } from './sketch.ts'
import { computeRates } from './tts.ts'
import type { Labels, MetricsSnapshot, MetricType, MetricUnit } from './types.ts'

/** One label set of a metric: its value, or its sketch for a histogram. */
export interface Series {
  labels: Labels
  value: number
  sketch?: QuantileSketch
}

/** Every series of one metric name. */
export interface Family {
  name: string
  type: MetricType
  help: string
  unit: MetricUnit
  series: Map<string, Series>
  /**
   * Label sets already checked, by their fields in the order the caller wrote them: a hot path
   * that records the same labels on every request skips sorting and checking them again.
   */
  seen: Map<string, Series>
}

/** The snapshot of `families`, sorted by name, with quantiles and rates worked out. */
export function snapshotOf(families: Iterable<Family>): MetricsSnapshot {
  const snap: MetricsSnapshot = {
    counters: [],
    gauges: [],
    histograms: [],
    rates: computeRates([]),
  }
  for (const f of [...families].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const s of f.series.values()) {
      const base = { name: f.name, help: f.help, unit: f.unit, labels: { ...s.labels } }
      if (f.type === 'histogram' && s.sketch) {
        const sk = s.sketch
        const q = (p: number) => (sk.count === 0 ? null : sk.quantile(p))
        const json = sk.toJSON()
        snap.histograms.push({
          ...base,
          count: sk.count,
          sum: sk.sum,
          min: json.min,
          max: json.max,
          mean: sk.count === 0 ? null : sk.sum / sk.count,
          p50: q(0.5),
          p95: q(0.95),
          p99: q(0.99),
          sketch: json,
        })
      } else {
        ;(f.type === 'counter' ? snap.counters : snap.gauges).push({ ...base, value: s.value })
      }
    }
  }
  snap.rates = computeRates(snap.counters)
  return snap
}
