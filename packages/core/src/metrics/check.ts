/**
 * @module metrics/check — the rules every metric name, label set and value must pass before a
 * registry takes it, so a bad label or a NaN fails where it is written, not in a dashboard.
 */
import { TtsError } from '../errors/index.ts'
import type { Labels } from './types.ts'

const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_.]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
/** Taken by METRIC lines and Prometheus summaries; a label of that name would be lost. */
const RESERVED_LABELS = new Set(['metric', 'value', 'unit', 'quantile', 'le'])

/** Throws `invalid_metric` unless `name` matches `[a-zA-Z_][a-zA-Z0-9_.]*`. */
export function checkMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new TtsError(
      'invalid_metric',
      `metric name ${JSON.stringify(name)} is not allowed; names match [a-zA-Z_][a-zA-Z0-9_.]*`,
    )
  }
}

/** The labels of `metric` with their names sorted; throws `invalid_metric` on a bad label. */
export function checkLabels(metric: string, labels: Labels): Labels {
  const out: Record<string, string> = {}
  for (const key of Object.keys(labels).sort()) {
    const value = labels[key]
    if (!LABEL_NAME.test(key) || key.startsWith('__') || RESERVED_LABELS.has(key)) {
      throw new TtsError(
        'invalid_metric',
        `label ${JSON.stringify(key)} of ${metric} is not allowed; names match [a-zA-Z_][a-zA-Z0-9_]*, do not start with __ and are not ${[...RESERVED_LABELS].join(', ')}`,
      )
    }
    if (typeof value !== 'string') {
      throw new TtsError(
        'invalid_metric',
        `label ${key} of ${metric} must be a string, got ${typeof value}`,
      )
    }
    out[key] = value
  }
  return out
}

/** Throws `invalid_metric` unless `value` is finite and at least `min`. */
export function checkNumber(
  metric: string,
  value: number,
  what: string,
  min = Number.NEGATIVE_INFINITY,
): void {
  if (!Number.isFinite(value) || value < min) {
    const range = min === Number.NEGATIVE_INFINITY ? 'a finite number' : `a finite number ≥ ${min}`
    throw new TtsError('invalid_metric', `${metric}: ${what} must be ${range}, got ${value}`)
  }
}
