/**
 * @module metrics/prometheus — the Prometheus text exposition format, version 0.0.4: `# HELP`
 * and `# TYPE` once per family, before its samples; label values escaped (`\\`, `"`, newline);
 * base units (milliseconds exposed as seconds); counters end in `_total`; histograms as
 * summaries with `quantile` labels plus `_sum` and `_count` — the quantiles come from the
 * merged sketch, so they are the whole's, not an average of parts.
 */
import { QUANTILES } from './emit.ts'
import { RATE_HELP, RATE_METRICS } from './tts.ts'
import type { Labels, MetricRates, MetricsSnapshot, MetricUnit } from './types.ts'

/** The `Content-Type` of `toPrometheusText` output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

const SUFFIX: Record<MetricUnit, string> = {
  ms: '_seconds',
  seconds: '_seconds',
  bytes: '_bytes',
  ratio: '_ratio',
  count: '',
}

/**
 * The Prometheus name of a metric: dots become underscores, the unit's suffix is added
 * (once), counters end in `_total`.
 *
 * @example
 * prometheusName('tts.synthesis.duration', 'ms', 'summary') // 'tts_synthesis_duration_seconds'
 */
export function prometheusName(name: string, unit: MetricUnit, type: string): string {
  let base = name.replace(/[^a-zA-Z0-9_:]/g, '_')
  if (/^[0-9]/.test(base)) base = `_${base}`
  if (unit === 'ms') base = base.replace(/_ms$/, '')
  const suffix = SUFFIX[unit]
  if (suffix && !base.endsWith(suffix)) base += suffix
  if (type === 'counter' && !base.endsWith('_total')) base += '_total'
  return base
}

/** A sample value as Prometheus writes floats. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`)
  return pairs.length ? `{${pairs.join(',')}}` : ''
}

/**
 * A snapshot as Prometheus text, ending with a newline. Serve it with
 * `PROMETHEUS_CONTENT_TYPE`.
 *
 * @example
 * new Response(toPrometheusText(metrics.snapshot()), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } })
 */
export function toPrometheusText(snapshot: MetricsSnapshot): string {
  // Family name → its header and sample lines, so each family is written once, together.
  const families = new Map<string, { header: string[]; samples: string[] }>()
  const familyOf = (name: string, help: string, type: string) => {
    let f = families.get(name)
    if (!f) {
      f = { header: [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`], samples: [] }
      families.set(name, f)
    }
    return f
  }
  const scale = (unit: MetricUnit) => (unit === 'ms' ? 1 / 1000 : 1)

  for (const [list, type] of [
    [snapshot.counters, 'counter'],
    [snapshot.gauges, 'gauge'],
  ] as const) {
    for (const s of list) {
      const name = prometheusName(s.name, s.unit, type)
      familyOf(name, s.help, type).samples.push(
        `${name}${labelText(s.labels)} ${formatValue(s.value * scale(s.unit))}`,
      )
    }
  }
  for (const h of snapshot.histograms) {
    const name = prometheusName(h.name, h.unit, 'summary')
    const f = familyOf(name, h.help, 'summary')
    const k = scale(h.unit)
    const values = [h.p50, h.p95, h.p99]
    QUANTILES.forEach((q, i) => {
      const v = values[i]
      f.samples.push(
        `${name}${labelText(h.labels, ['quantile', String(q)])} ${formatValue(v == null ? Number.NaN : v * k)}`,
      )
    })
    f.samples.push(`${name}_sum${labelText(h.labels)} ${formatValue(h.sum * k)}`)
    f.samples.push(`${name}_count${labelText(h.labels)} ${formatValue(h.count)}`)
  }
  for (const [key, metric] of Object.entries(RATE_METRICS) as [keyof MetricRates, string][]) {
    const value = snapshot.rates[key]
    if (value === null) continue
    const name = prometheusName(metric, 'ratio', 'gauge')
    familyOf(name, RATE_HELP[key], 'gauge').samples.push(`${name} ${formatValue(value)}`)
  }
  const lines = [...families.values()].flatMap((f) => [...f.header, ...f.samples])
  return lines.length ? `${lines.join('\n')}\n` : ''
}
