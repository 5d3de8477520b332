/** @module config/defaults — the defaults and bounds every part of tts-edge agrees on. */
import type { LogLevel } from '../log/types.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const MIB = 1024 * 1024

/**
 * Defaults shared by client, CLI and edge.
 *
 * @example
 * const ttlSeconds = DEFAULTS.cacheTtlMs / 1000 // 604800
 */
export const DEFAULTS = Object.freeze({
  timeoutMs: 3000,
  maxRetries: 3,
  cacheTtlMs: 7 * DAY_MS,
  /** 100 MiB. */
  clientCacheMaxBytes: 100 * MIB,
  logLevel: 'info' as LogLevel,
  debug: false,
})

/**
 * Inclusive bounds of the numeric settings. Wide enough for any sane use, narrow enough to
 * catch a unit mistake (seconds given as milliseconds, a TTL of years).
 *
 * @example
 * LIMITS.timeoutMs.max // 600000
 */
export const LIMITS = Object.freeze({
  timeoutMs: { min: 1, max: 600_000 },
  maxRetries: { min: 0, max: 10 },
  cacheTtlMs: { min: 0, max: 365 * DAY_MS },
  cacheMaxBytes: { min: 0, max: 10 * 1024 * MIB },
  apiKeyLength: { min: 1, max: 1024 },
})
