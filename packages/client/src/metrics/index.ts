/**
 * @module metrics — the client's figures, as the original integration reported them: latency
 * P50/P95/P99 (core's DDSketch), local cache hit/miss, success/fallback/error rates, audio
 * seconds produced — over core's `createMetrics`, so the same snapshot merges, renders as
 * Prometheus text and writes METRIC lines like the edge's.
 */
import {
  type MetricsSnapshot as CoreSnapshot,
  createMetrics,
  type Metrics,
} from '@tts/core/metrics'
import type { Provider } from '../types.ts'

/** `client.metrics.snapshot()`. */
export interface MetricsSnapshot {
  requests: number
  providers: Record<Provider, number>
  errors: number
  fallbacks: number
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
  cacheLookup(hit: boolean): void
  snapshot(): MetricsSnapshot
  /** Core's registry, for `toPrometheus()`, `emit(logger)` and `merge()`. */
  readonly registry: Metrics
}

const PROVIDER_COUNTER = 'tts.client.provider'

/**
 * Makes a recorder.
 *
 * @example
 * const metrics = createClientMetrics()
 * metrics.success({ provider: 'edge', latencyMs: 120, audioSeconds: 1.2, audioBytes: 57_644 })
 * metrics.snapshot().latencyMs.p50 // ≈ 120
 */
export function createClientMetrics(): ClientMetrics {
  const registry = createMetrics()
  return {
    registry,
    success(outcome) {
      registry.recordSynthesis(outcome.latencyMs)
      registry.counter(PROVIDER_COUNTER, { provider: outcome.provider }).inc()
      registry.recordOutcome(outcome.provider === 'local' ? 'fallback' : 'success')
      registry.recordAudio({ seconds: outcome.audioSeconds, bytes: outcome.audioBytes })
    },
    failure() {
      registry.recordOutcome('error')
    },
    cacheLookup(hit) {
      registry.recordCache(hit ? 'hit' : 'miss')
    },
    snapshot() {
      return summarize(registry.snapshot())
    },
  }
}

function summarize(snap: CoreSnapshot): MetricsSnapshot {
  const sum = (name: string, label?: string, value?: string) =>
    snap.counters
      .filter((c) => c.name === name && (label === undefined || c.labels[label] === value))
      .reduce((total, c) => total + c.value, 0)
  const providers = {
    edge: sum(PROVIDER_COUNTER, 'provider', 'edge'),
    cache: sum(PROVIDER_COUNTER, 'provider', 'cache'),
    local: sum(PROVIDER_COUNTER, 'provider', 'local'),
  }
  const latency = snap.histograms.find((h) => h.name === 'tts.synthesis.duration')
  const hits = sum('tts.cache.requests', 'result', 'hit')
  const misses = sum('tts.cache.requests', 'result', 'miss')
  const round = (n: number | null | undefined) => Math.round((n ?? 0) * 10) / 10
  return {
    requests: sum('tts.requests'),
    providers,
    errors: sum('tts.requests', 'outcome', 'error'),
    fallbacks: sum('tts.requests', 'outcome', 'fallback'),
    successRate: snap.rates.successRate ?? 0,
    fallbackRate: snap.rates.fallbackRate ?? 0,
    errorRate: snap.rates.errorRate ?? 0,
    cache: { hits, misses, hitRate: snap.rates.cacheHitRate ?? 0 },
    latencyMs: {
      count: latency?.count ?? 0,
      p50: round(latency?.p50),
      p95: round(latency?.p95),
      p99: round(latency?.p99),
    },
    audioSeconds: Math.round(sum('tts.audio.seconds') * 1000) / 1000,
    audioBytes: sum('tts.audio.bytes'),
  }
}
