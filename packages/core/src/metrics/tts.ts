/**
 * @module metrics/tts — the standard tts-edge metric set (from the original integration guide:
 * synthesis latency, cache hit/miss, success/fallback/error, audio produced) and the rates
 * derived from it.
 */
import type { MetricOptions, MetricRates, MetricType, ValueSeries } from './types.ts'

/** A metric of the standard set. */
export interface MetricDescriptor extends Required<MetricOptions> {
  name: string
  type: MetricType
}

/**
 * The standard set. Names are dotted, as in METRIC log lines; Prometheus gets them with
 * underscores and unit suffixes (`tts_synthesis_duration_seconds`).
 *
 * @example
 * metrics.histogram(TTS_METRICS.synthesisDuration.name, { provider: 'xtts' }).record(450)
 */
export const TTS_METRICS = {
  synthesisDuration: {
    name: 'tts.synthesis.duration',
    type: 'histogram',
    unit: 'ms',
    help: 'Time from request to complete audio, per synthesis.',
  },
  cacheRequests: {
    name: 'tts.cache.requests',
    type: 'counter',
    unit: 'count',
    help: 'Cache lookups by result (hit, miss, stale, coalesced).',
  },
  requests: {
    name: 'tts.requests',
    type: 'counter',
    unit: 'count',
    help: 'Speech requests by outcome (success, fallback, error, client_closed).',
  },
  audioSeconds: {
    name: 'tts.audio.seconds',
    type: 'counter',
    unit: 'seconds',
    help: 'Seconds of audio produced.',
  },
  audioBytes: {
    name: 'tts.audio.bytes',
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes of audio produced.',
  },
} as const satisfies Record<string, MetricDescriptor>

/** Where a cache lookup was answered from. `stale` and `coalesced` cost no synthesis either. */
export type CacheResult = 'hit' | 'miss' | 'stale' | 'coalesced'
/**
 * How a speech request ended: upstream audio, the local engine, an error, or `client_closed`:
 * its caller went away before the answer was complete (nginx's 499), which is nobody's failure
 * and leaves the rates' denominator, so success, fallback and error still add up to 1.
 */
export type RequestOutcome = 'success' | 'fallback' | 'error' | 'client_closed'

const share = (part: number, total: number): number | null => (total > 0 ? part / total : null)

/**
 * The rates of the standard set, summed over every label combination.
 *
 * @example
 * computeRates(snapshot.counters).cacheHitRate // 0.8
 */
export function computeRates(counters: readonly ValueSeries[]): MetricRates {
  const sum = (name: string, label: string, value?: string): number =>
    counters
      .filter((c) => c.name === name && (value === undefined || c.labels[label] === value))
      .reduce((total, c) => total + c.value, 0)
  const lookups = sum(TTS_METRICS.cacheRequests.name, 'result')
  const misses = sum(TTS_METRICS.cacheRequests.name, 'result', 'miss')
  // A request whose caller left was answered to nobody: not a success, fallback or error.
  const requests =
    sum(TTS_METRICS.requests.name, 'outcome') -
    sum(TTS_METRICS.requests.name, 'outcome', 'client_closed')
  const outcome = (o: RequestOutcome) =>
    share(sum(TTS_METRICS.requests.name, 'outcome', o), requests)
  return {
    cacheHitRate: share(lookups - misses, lookups),
    cacheMissRate: share(misses, lookups),
    successRate: outcome('success'),
    fallbackRate: outcome('fallback'),
    errorRate: outcome('error'),
  }
}

/**
 * The rates as metrics of their own (unit `ratio`), for METRIC lines and Prometheus gauges.
 *
 * @example
 * RATE_METRICS.cacheHitRate // 'tts.cache.hit_ratio'
 */
export const RATE_METRICS: Readonly<Record<keyof MetricRates, string>> = Object.freeze({
  cacheHitRate: 'tts.cache.hit_ratio',
  cacheMissRate: 'tts.cache.miss_ratio',
  successRate: 'tts.requests.success_ratio',
  fallbackRate: 'tts.requests.fallback_ratio',
  errorRate: 'tts.requests.error_ratio',
})

/** Help lines of the rate gauges. */
export const RATE_HELP: Readonly<Record<keyof MetricRates, string>> = Object.freeze({
  cacheHitRate: 'Share of cache lookups answered without a synthesis of their own.',
  cacheMissRate: 'Share of cache lookups that needed a synthesis.',
  successRate: 'Share of speech requests answered with upstream or cached audio.',
  fallbackRate: 'Share of speech requests answered by the local engine.',
  errorRate: 'Share of speech requests that failed.',
})
