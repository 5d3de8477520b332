/**
 * @module observe — the isolate's metrics registry and per-request loggers. Metrics are per
 * isolate (Workers share no memory); `/metrics` exposes this isolate's view, and the cache
 * hit rate that spans isolates lives in the pool object (`/v1/cache/stats`).
 */
import { createLogger, type Logger, type LogLevel } from '@tts/core/log'
import { createMetrics, type Metrics } from '@tts/core/metrics'

/** This isolate's metrics. */
export const metrics: Metrics = createMetrics()

/**
 * A logger for one request (keys and texts are masked by core's redaction).
 *
 * @example
 * const log = requestLogger('info', crypto.randomUUID())
 */
export function requestLogger(level: LogLevel, requestId: string): Logger {
  return createLogger({ level, context: { service: 'tts-edge', requestId } })
}

export type { Logger, Metrics }
