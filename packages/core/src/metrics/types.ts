/**
 * @module metrics/types — the shapes a metrics registry takes and gives: labels, units,
 * snapshots and the logger it writes METRIC lines to.
 */
import type { SketchJSON } from './sketch.ts'

/** Label name → value. Names follow Prometheus rules: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export type Labels = Readonly<Record<string, string>>

/**
 * Units a metric is measured in. `ms` and `seconds` are exposed to Prometheus in seconds,
 * its base unit; `count` and `ratio` have no suffix.
 */
export type MetricUnit = 'ms' | 'seconds' | 'bytes' | 'count' | 'ratio'

/** The three kinds of metric. A histogram is exposed to Prometheus as a summary. */
export type MetricType = 'counter' | 'gauge' | 'histogram'

/** What a metric is, given the first time its name is used. */
export interface MetricOptions {
  /** One line for Prometheus `# HELP`. */
  help?: string
  unit?: MetricUnit
}

/** Anything with `info(message, data)`: our `Logger`, or a test double. */
export interface MetricLogger {
  info(message: string, data?: Record<string, unknown>): void
}

interface SeriesBase {
  name: string
  help: string
  unit: MetricUnit
  labels: Labels
}

/** A counter or gauge series in a snapshot. */
export interface ValueSeries extends SeriesBase {
  value: number
}

/** A histogram series in a snapshot; quantiles are `null` while it is empty. */
export interface HistogramSeries extends SeriesBase {
  count: number
  sum: number
  min: number | null
  max: number | null
  mean: number | null
  p50: number | null
  p95: number | null
  p99: number | null
  /** The sketch itself, so snapshots from several isolates can be merged. */
  sketch: SketchJSON
}

/** Shares derived from the counters of the standard TTS set; `null` before any event. */
export interface MetricRates {
  /** Cache lookups answered without a synthesis of their own (hit, stale, coalesced). */
  cacheHitRate: number | null
  cacheMissRate: number | null
  /**
   * Requests answered by the edge/upstream, by the local fallback engine, or not at all; of
   * those whose caller stayed to the end (`client_closed` is in none of the three).
   */
  successRate: number | null
  fallbackRate: number | null
  errorRate: number | null
}

/** Everything a registry holds, as plain JSON. */
export interface MetricsSnapshot {
  counters: ValueSeries[]
  gauges: ValueSeries[]
  histograms: HistogramSeries[]
  rates: MetricRates
}
