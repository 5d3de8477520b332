/**
 * @module metrics — counters, gauges and latency distributions (P50/P95/P99 from a mergeable
 * DDSketch), the standard TTS metric set and its rates, JSON snapshots that merge across
 * isolates, METRIC log lines and Prometheus text.
 */
export { emitMetricLines, logObservation, QUANTILES } from './emit.ts'
export {
  formatValue,
  PROMETHEUS_CONTENT_TYPE,
  prometheusName,
  toPrometheusText,
} from './prometheus.ts'
export {
  type Counter,
  createMetrics,
  type Gauge,
  type Histogram,
  type Metrics,
  type MetricsOptions,
} from './registry.ts'
export {
  DEFAULT_MAX_BINS,
  DEFAULT_RELATIVE_ACCURACY,
  QuantileSketch,
  type SketchJSON,
} from './sketch.ts'
export {
  type CacheResult,
  computeRates,
  type MetricDescriptor,
  RATE_HELP,
  RATE_METRICS,
  type RequestOutcome,
  TTS_METRICS,
} from './tts.ts'
export type {
  HistogramSeries,
  Labels,
  MetricLogger,
  MetricOptions,
  MetricRates,
  MetricsSnapshot,
  MetricType,
  MetricUnit,
  ValueSeries,
} from './types.ts'
