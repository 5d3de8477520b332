/**
 * @module metrics/emit — METRIC log lines, in the shape of the original integration guide:
 * `logger.info('METRIC', {metric: 'tts.synthesis.duration', value: 450, unit: 'ms',
 * provider: 'coqui'})`; the log module adds the timestamp/level envelope.
 */
import { RATE_METRICS } from './tts.ts'
import type { Labels, MetricLogger, MetricRates, MetricsSnapshot, MetricUnit } from './types.ts'

/** The quantiles a histogram reports. */
export const QUANTILES = [0.5, 0.95, 0.99] as const

/**
 * One METRIC line for one observation.
 *
 * @example
 * logObservation(logger, { name: 'tts.synthesis.duration', unit: 'ms' }, { provider: 'coqui' }, 450)
 */
export function logObservation(
  logger: MetricLogger,
  metric: { name: string; unit: MetricUnit },
  labels: Labels,
  value: number,
): void {
  logger.info('METRIC', { metric: metric.name, value, unit: metric.unit, ...labels })
}

/**
 * METRIC lines for a whole snapshot: each counter and gauge; each non-empty histogram's
 * P50/P95/P99 (a `quantile` field tells them apart) and count (`<name>.count`); each rate.
 *
 * @example
 * emitMetricLines(logger, metrics.snapshot())
 */
export function emitMetricLines(logger: MetricLogger, snapshot: MetricsSnapshot): void {
  for (const s of [...snapshot.counters, ...snapshot.gauges]) {
    logObservation(logger, s, s.labels, s.value)
  }
  for (const h of snapshot.histograms) {
    if (h.count === 0) continue
    const values = [h.p50, h.p95, h.p99]
    QUANTILES.forEach((quantile, i) => {
      logger.info('METRIC', {
        metric: h.name,
        value: values[i],
        unit: h.unit,
        quantile,
        ...h.labels,
      })
    })
    logger.info('METRIC', { metric: `${h.name}.count`, value: h.count, unit: 'count', ...h.labels })
  }
  for (const [key, name] of Object.entries(RATE_METRICS) as [keyof MetricRates, string][]) {
    const value = snapshot.rates[key]
    if (value !== null) logger.info('METRIC', { metric: name, value, unit: 'ratio' })
  }
}
