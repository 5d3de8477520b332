/**
 * @module edge/rate-limit — the edge's quota headers read back: `x-ratelimit-limit-characters`,
 * `-remaining-`, `-reset-` for the minute, the same with `-day`. The reset is written as OpenAI
 * writes durations (`850ms`, `42s`, `6m0s`, `3h2m1s`).
 */
import type { QuotaWindowFigures, RateLimitFigures } from '../errors/limits.ts'

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }

/**
 * Milliseconds of an OpenAI-style duration; undefined when it is not one.
 *
 * @example
 * durationMs('6m0s') // 360000
 */
export function durationMs(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/gy)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (UNIT_MS[p[2] ?? ''] ?? 0), 0))
}

function windowOf(headers: Headers, suffix: string): QuotaWindowFigures | undefined {
  const limit = Number(headers.get(`x-ratelimit-limit-${suffix}`) ?? Number.NaN)
  const remaining = Number(headers.get(`x-ratelimit-remaining-${suffix}`) ?? Number.NaN)
  const resetMs = durationMs(headers.get(`x-ratelimit-reset-${suffix}`) ?? '')
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || resetMs === undefined)
    return undefined
  return { limit, remaining, resetMs }
}

/**
 * The quota windows an answer reported (none: `{}`).
 *
 * @example
 * rateLimitFigures(response.headers).minute?.remaining // 1200
 */
export function rateLimitFigures(headers: Headers): RateLimitFigures {
  const minute = windowOf(headers, 'characters')
  const day = windowOf(headers, 'characters-day')
  return { ...(minute ? { minute } : {}), ...(day ? { day } : {}) }
}
