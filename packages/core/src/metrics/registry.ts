/**
 * @module metrics/registry — `createMetrics()`: counters, gauges and histograms keyed by name
 * and labels, and merging of snapshots from other isolates. The checks are `check.ts`, the
 * snapshot `snapshot.ts`, METRIC lines `emit.ts` and Prometheus text `prometheus.ts`.
 */
import { TtsError } from '../errors/index.ts'
import { checkLabels, checkMetricName, checkNumber } from './check.ts'
import { emitMetricLines, logObservation } from './emit.ts'
import { toPrometheusText } from './prometheus.ts'
import { QuantileSketch } from './sketch.ts'
import { type Family, type Series, snapshotOf } from './snapshot.ts'
import { type CacheResult, type MetricDescriptor, type RequestOutcome, TTS_METRICS } from './tts.ts'
import type { Labels, MetricLogger, MetricOptions, MetricsSnapshot, MetricType } from './types.ts'

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** Relative accuracy of every histogram's quantiles. Default 0.01 (1 %). */
  relativeAccuracy?: number
  /** When given, every observation is also written as one METRIC line, as it happens. */
  logger?: MetricLogger
  /** Label sets one metric may have before `counter()` etc. throw. Default 1000. */
  maxSeriesPerMetric?: number
}

/** A monotonically increasing count. */
export interface Counter {
  inc(n?: number): void
  readonly value: number
}

/** A value that goes up and down (in-flight requests, queue depth). */
export interface Gauge {
  set(value: number): void
  inc(n?: number): void
  dec(n?: number): void
  readonly value: number
}

/** A distribution (latencies, sizes) with quantiles from a DDSketch. */
export interface Histogram {
  record(value: number): void
  quantile(q: number): number
  readonly count: number
}

/** What `createMetrics` returns. */
export interface Metrics {
  counter(name: string, labels?: Labels, options?: MetricOptions): Counter
  gauge(name: string, labels?: Labels, options?: MetricOptions): Gauge
  histogram(name: string, labels?: Labels, options?: MetricOptions): Histogram
  /** One synthesis took `ms` (`tts.synthesis.duration`). */
  recordSynthesis(ms: number, labels?: Labels): void
  /** One cache lookup ended as `result` (`tts.cache.requests{result}`). */
  recordCache(result: CacheResult, labels?: Labels): void
  /** One request ended as `outcome` (`tts.requests{outcome}`). */
  recordOutcome(outcome: RequestOutcome, labels?: Labels): void
  /** Audio produced (`tts.audio.seconds`, `tts.audio.bytes`). */
  recordAudio(produced: { seconds: number; bytes: number }, labels?: Labels): void
  snapshot(): MetricsSnapshot
  /** Adds another registry's (or snapshot's) counters, gauges and sketches to this one. */
  merge(other: Metrics | MetricsSnapshot): void
  toPrometheus(): string
  /** Writes the current state as METRIC lines: values, quantiles and rates. */
  emit(logger: MetricLogger): void
  reset(): void
}

const KNOWN = new Map<string, MetricDescriptor>(Object.values(TTS_METRICS).map((d) => [d.name, d]))

/**
 * `labels` as written (field order kept), or undefined when a value is not a string (such a set
 * always goes through the full check, which refuses it) or holds a separator (so two sets never
 * write the same key).
 */
function writtenKey(labels: Labels): string | undefined {
  let key = ''
  for (const name in labels) {
    const value: unknown = labels[name]
    if (typeof value !== 'string' || value.includes('\u0000') || value.includes('\u0001'))
      return undefined
    key += `${name}\u0000${value}\u0001`
  }
  return key
}

/**
 * A metrics registry. Runs anywhere (no timers, no globals): keep one per isolate or client,
 * and merge snapshots to see the whole.
 *
 * @example
 * const metrics = createMetrics()
 * metrics.recordSynthesis(450, { provider: 'xtts' })
 * metrics.recordCache('hit')
 * metrics.snapshot().histograms[0]?.p95
 * return new Response(metrics.toPrometheus(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } })
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const { relativeAccuracy = 0.01, logger, maxSeriesPerMetric = 1000 } = options
  new QuantileSketch({ relativeAccuracy }) // validates the accuracy up front
  const families = new Map<string, Family>()

  function family(name: string, type: MetricType, opts: MetricOptions = {}): Family {
    let f = families.get(name)
    if (!f) {
      // Checked once, when the family is made: a name that fails never gets in.
      checkMetricName(name)
      const known = KNOWN.get(name)
      f = {
        name,
        type,
        help: opts.help ?? known?.help ?? name,
        unit: opts.unit ?? known?.unit ?? (type === 'histogram' ? 'ms' : 'count'),
        series: new Map(),
        seen: new Map(),
      }
      families.set(name, f)
    }
    if (f.type !== type) {
      throw new TtsError('invalid_metric', `${name} is a ${f.type}; it cannot also be a ${type}`)
    }
    return f
  }

  function series(f: Family, raw: Labels): Series {
    const written = writtenKey(raw)
    const seen = written === undefined ? undefined : f.seen.get(written)
    if (seen) return seen
    const s = checkedSeries(f, raw)
    // Bounded: label sets are bounded per family, and so are the orders they are written in.
    if (written !== undefined && f.seen.size < 4 * maxSeriesPerMetric) f.seen.set(written, s)
    return s
  }

  function checkedSeries(f: Family, raw: Labels): Series {
    const labels = checkLabels(f.name, raw)
    const key = JSON.stringify(labels)
    let s = f.series.get(key)
    if (!s) {
      if (f.series.size >= maxSeriesPerMetric) {
        throw new TtsError(
          'invalid_metric',
          `${f.name} already has ${maxSeriesPerMetric} label sets; a label probably holds unbounded values (ids, texts)`,
        )
      }
      s = { labels, value: 0 }
      if (f.type === 'histogram') s.sketch = new QuantileSketch({ relativeAccuracy })
      f.series.set(key, s)
    }
    return s
  }

  const observed = (f: Family, s: Series, value: number) => {
    if (logger) logObservation(logger, f, s.labels, value)
  }

  const metrics: Metrics = {
    counter(name, labels = {}, opts) {
      const f = family(name, 'counter', opts)
      const s = series(f, labels)
      return {
        inc(n = 1) {
          checkNumber(name, n, 'a counter increment', 0)
          s.value += n
          observed(f, s, n)
        },
        get value() {
          return s.value
        },
      }
    },

    gauge(name, labels = {}, opts) {
      const f = family(name, 'gauge', opts)
      const s = series(f, labels)
      const set = (v: number) => {
        checkNumber(name, v, 'a gauge value')
        s.value = v
        observed(f, s, v)
      }
      return {
        set,
        inc: (n = 1) => set(s.value + n),
        dec: (n = 1) => set(s.value - n),
        get value() {
          return s.value
        },
      }
    },

    histogram(name, labels = {}, opts) {
      const f = family(name, 'histogram', opts)
      const s = series(f, labels)
      const sketch = s.sketch as QuantileSketch
      return {
        record(v) {
          checkNumber(name, v, 'a recorded value', 0)
          sketch.add(v)
          observed(f, s, v)
        },
        quantile: (q) => sketch.quantile(q),
        get count() {
          return sketch.count
        },
      }
    },

    recordSynthesis(ms, labels) {
      metrics.histogram(TTS_METRICS.synthesisDuration.name, labels).record(ms)
    },
    recordCache(result, labels = {}) {
      metrics.counter(TTS_METRICS.cacheRequests.name, { ...labels, result }).inc()
    },
    recordOutcome(outcome, labels = {}) {
      metrics.counter(TTS_METRICS.requests.name, { ...labels, outcome }).inc()
    },
    recordAudio({ seconds, bytes }, labels) {
      metrics.counter(TTS_METRICS.audioSeconds.name, labels).inc(seconds)
      metrics.counter(TTS_METRICS.audioBytes.name, labels).inc(bytes)
    },

    snapshot: () => snapshotOf(families.values()),

    merge(other) {
      const snap = 'snapshot' in other ? other.snapshot() : other
      // Check everything first, so a bad snapshot leaves this registry as it was.
      for (const v of [...snap.counters, ...snap.gauges]) {
        checkNumber(v.name, v.value, 'a merged value', snap.counters.includes(v) ? 0 : undefined)
      }
      for (const h of snap.histograms) {
        QuantileSketch.fromJSON(h.sketch) // throws on malformed sketch JSON
        if (h.sketch.relativeAccuracy !== relativeAccuracy) {
          throw new TtsError(
            'invalid_metric',
            `${h.name}: cannot merge a sketch of relative accuracy ${h.sketch.relativeAccuracy} into one of ${relativeAccuracy}`,
          )
        }
      }
      for (const c of snap.counters) {
        const f = family(c.name, 'counter', { help: c.help, unit: c.unit })
        series(f, c.labels).value += c.value
      }
      for (const g of snap.gauges) {
        const f = family(g.name, 'gauge', { help: g.help, unit: g.unit })
        // Gauges add up: in-flight requests or queue depths of several isolates are a total.
        series(f, g.labels).value += g.value
      }
      for (const h of snap.histograms) {
        const f = family(h.name, 'histogram', { help: h.help, unit: h.unit })
        series(f, h.labels).sketch?.merge(h.sketch)
      }
    },

    toPrometheus: () => toPrometheusText(metrics.snapshot()),
    emit: (target) => emitMetricLines(target, metrics.snapshot()),
    reset: () => families.clear(),
  }
  return metrics
}
