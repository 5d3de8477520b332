/**
 * @module metrics — the client's figures, as the original integration reported them: latency
 * P50/P95/P99, local cache hit/miss, success/fallback/error rates, audio seconds produced.
 * TODO(core): quantiles move onto core's `createMetrics()` (DDSketch) once it lands; the
 * log-bucket histogram below is the stand-in (relative error under 2 %, no sorting).
 */
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
  fallback: boolean
  audioSeconds: number
  audioBytes: number
}

/** The recorder the client writes to. */
export interface ClientMetrics {
  success(outcome: CallOutcome): void
  failure(fallback: boolean): void
  cacheLookup(hit: boolean): void
  snapshot(): MetricsSnapshot
}

const GAMMA = 1.02
const LOG_GAMMA = Math.log(GAMMA)

/**
 * Makes a recorder.
 *
 * @example
 * const metrics = createClientMetrics()
 * metrics.success({ provider: 'edge', latencyMs: 120, fallback: false, audioSeconds: 1.2, audioBytes: 57_644 })
 * metrics.snapshot().latencyMs.p50 // ≈ 120
 */
export function createClientMetrics(): ClientMetrics {
  const providers: Record<Provider, number> = { edge: 0, cache: 0, local: 0 }
  let errors = 0
  let fallbacks = 0
  let hits = 0
  let misses = 0
  let audioSeconds = 0
  let audioBytes = 0
  const buckets = new Map<number, number>()
  let count = 0

  const quantile = (q: number) => {
    if (count === 0) return 0
    const rank = q * (count - 1)
    let seen = 0
    for (const index of [...buckets.keys()].sort((a, b) => a - b)) {
      seen += buckets.get(index) ?? 0
      if (seen > rank)
        return index === -Infinity ? 0 : Math.round(((2 * GAMMA ** index) / (1 + GAMMA)) * 10) / 10
    }
    return 0
  }

  return {
    success(outcome) {
      providers[outcome.provider]++
      if (outcome.fallback) fallbacks++
      audioSeconds += outcome.audioSeconds
      audioBytes += outcome.audioBytes
      const index =
        outcome.latencyMs <= 0 ? -Infinity : Math.ceil(Math.log(outcome.latencyMs) / LOG_GAMMA)
      buckets.set(index, (buckets.get(index) ?? 0) + 1)
      count++
    },
    failure(fallback) {
      errors++
      if (fallback) fallbacks++
    },
    cacheLookup(hit) {
      if (hit) hits++
      else misses++
    },
    snapshot() {
      const successes = providers.edge + providers.cache + providers.local
      const requests = successes + errors
      const rate = (n: number) => (requests === 0 ? 0 : n / requests)
      return {
        requests,
        providers: { ...providers },
        errors,
        fallbacks,
        successRate: rate(successes),
        fallbackRate: rate(fallbacks),
        errorRate: rate(errors),
        cache: { hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) },
        latencyMs: { count, p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99) },
        audioSeconds: Math.round(audioSeconds * 1000) / 1000,
        audioBytes,
      }
    },
  }
}
