/**
 * @module metrics — the client's figures, as the original integration reported them: latency
 * P50/P95/P99 (core's DDSketch), local cache hit/miss, success/fallback/error rates, audio
 * seconds produced. It keeps plain counts and one core `QuantileSketch` rather than core's
 * registry: the client has a fixed handful of series, and the registry's general bookkeeping
 * (named families, label validation, series caps) was the largest part of the metrics code in
 * the browser bundle. It hands out the same snapshot a registry would (`toCoreSnapshot()`), so
 * core's Prometheus text, METRIC lines and `merge()` work on it unchanged.
 */
import {
  type MetricsSnapshot as CoreSnapshot,
  computeRates,
  DEFAULT_RELATIVE_ACCURACY,
  emitMetricLines,
  type MetricLogger,
  QuantileSketch,
  TTS_METRICS,
  toPrometheusText,
  type ValueSeries,
} from '@tts/core/metrics'
import type { Provider } from '../types.ts'

/** `client.metrics.snapshot()`. */
export interface MetricsSnapshot {
  requests: number
  providers: Record<Provider, number>
  errors: number
  fallbacks: number
  /** Fallbacks by their reason (`timeout`, `quota_exceeded`, `input_rejected`, ...). */
  fallbackReasons: Record<string, number>
  successRate: number
  fallbackRate: number
  errorRate: number
  cache: { hits: number; misses: number; hitRate: number }
  latencyMs: { count: number; p50: number; p95: number; p99: number }
  audioSeconds: number
  audioBytes: number
}

/** What one finished call reports. */
export interface CallOutcome {
  provider: Provider
  latencyMs: number
  audioSeconds: number
  audioBytes: number
}

/** The recorder the client writes to. */
export interface ClientMetrics {
  success(outcome: CallOutcome): void
  failure(): void
  /** The edge was not used, for `reason` (counted whether or not a local engine then spoke). */
  fallback(reason: string): void
  cacheLookup(hit: boolean): void
  snapshot(): MetricsSnapshot
  /** The figures as core's registry snapshot, e.g. for a registry's `merge()`. */
  toCoreSnapshot(): CoreSnapshot
  /** Prometheus text exposition, as core's registry writes it. */
  toPrometheus(): string
  /** Writes METRIC lines, as core's registry does. */
  emit(logger: MetricLogger): void
}

const PROVIDER_COUNTER = 'tts.client.provider'
const OUTCOMES = ['success', 'fallback', 'error'] as const
const PROVIDERS: readonly Provider[] = ['edge', 'cache', 'local']

/**
 * Makes a recorder.
 *
 * @example
 * const metrics = createClientMetrics()
 * metrics.success({ provider: 'edge', latencyMs: 120, audioSeconds: 1.2, audioBytes: 57_644 })
 * metrics.snapshot().latencyMs.p50 // ≈ 120
 */
export function createClientMetrics(): ClientMetrics {
  const latency = new QuantileSketch({ relativeAccuracy: DEFAULT_RELATIVE_ACCURACY })
  const providers: Record<Provider, number> = { edge: 0, cache: 0, local: 0 }
  const outcomes = { success: 0, fallback: 0, error: 0 }
  const fallbackReasons = new Map<string, number>()
  const cache = { hits: 0, misses: 0 }
  const audio = { seconds: 0, bytes: 0 }

  const toCoreSnapshot = (): CoreSnapshot => {
    const counter = (
      d: { name: string; unit: ValueSeries['unit']; help: string },
      value: number,
      labels: Record<string, string> = {},
    ): ValueSeries => ({ name: d.name, help: d.help, unit: d.unit, labels, value })
    const counters: ValueSeries[] = [
      ...PROVIDERS.map((provider) =>
        counter(
          {
            name: PROVIDER_COUNTER,
            unit: 'count',
            help: 'Calls answered by the edge, the local cache or a local engine.',
          },
          providers[provider],
          { provider },
        ),
      ),
      ...OUTCOMES.map((outcome) => counter(TTS_METRICS.requests, outcomes[outcome], { outcome })),
      counter(TTS_METRICS.cacheRequests, cache.hits, { result: 'hit' }),
      counter(TTS_METRICS.cacheRequests, cache.misses, { result: 'miss' }),
      counter(TTS_METRICS.audioSeconds, audio.seconds),
      counter(TTS_METRICS.audioBytes, audio.bytes),
    ]
      .filter((c) => c.value > 0)
      // The registry's order, so text and METRIC lines read the same as from a registry.
      .sort((a, b) => a.name.localeCompare(b.name))
    const q = (p: number) => (latency.count === 0 ? null : latency.quantile(p))
    const sketch = latency.toJSON()
    return {
      counters,
      gauges: [],
      histograms:
        latency.count === 0
          ? []
          : [
              {
                name: TTS_METRICS.synthesisDuration.name,
                help: TTS_METRICS.synthesisDuration.help,
                unit: TTS_METRICS.synthesisDuration.unit,
                labels: {},
                count: latency.count,
                sum: latency.sum,
                min: sketch.min,
                max: sketch.max,
                mean: latency.sum / latency.count,
                p50: q(0.5),
                p95: q(0.95),
                p99: q(0.99),
                sketch,
              },
            ],
      rates: computeRates(counters),
    }
  }

  return {
    success(outcome) {
      latency.add(outcome.latencyMs)
      providers[outcome.provider]++
      outcomes[outcome.provider === 'local' ? 'fallback' : 'success']++
      audio.seconds += outcome.audioSeconds
      audio.bytes += outcome.audioBytes
    },
    failure() {
      outcomes.error++
    },
    fallback(reason) {
      fallbackReasons.set(reason, (fallbackReasons.get(reason) ?? 0) + 1)
    },
    cacheLookup(hit) {
      cache[hit ? 'hits' : 'misses']++
    },
    snapshot() {
      const requests = outcomes.success + outcomes.fallback + outcomes.error
      const lookups = cache.hits + cache.misses
      const share = (n: number, of: number) => (of > 0 ? n / of : 0)
      const round = (n: number) => Math.round(n * 10) / 10
      const at = (p: number) => (latency.count === 0 ? 0 : round(latency.quantile(p)))
      return {
        requests,
        providers: { ...providers },
        errors: outcomes.error,
        fallbacks: outcomes.fallback,
        fallbackReasons: Object.fromEntries(fallbackReasons),
        successRate: share(outcomes.success, requests),
        fallbackRate: share(outcomes.fallback, requests),
        errorRate: share(outcomes.error, requests),
        cache: { ...cache, hitRate: share(cache.hits, lookups) },
        latencyMs: { count: latency.count, p50: at(0.5), p95: at(0.95), p99: at(0.99) },
        audioSeconds: Math.round(audio.seconds * 1000) / 1000,
        audioBytes: audio.bytes,
      }
    },
    toCoreSnapshot,
    toPrometheus: () => toPrometheusText(toCoreSnapshot()),
    emit: (logger) => emitMetricLines(logger, toCoreSnapshot()),
  }
}
