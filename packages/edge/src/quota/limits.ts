/**
 * @module quota/limits — a key's work quota (`quota` in its `API_KEYS` entry), the fixed
 * windows it is counted in, and the headers that tell a caller where it stands. Pure
 * functions: the counting itself lives in the `WorkQuota` object (quota/object.ts).
 *
 * The unit is characters sent to synthesis: what costs GPU time. Cache hits cost nothing.
 * Windows are fixed (the UTC minute, the UTC day), so a reset time is exact and the object
 * keeps two numbers per key rather than a log of requests.
 */
import { z } from 'zod'
import { ProblemError } from '../problem/index.ts'

/** A key's limits; an absent limit is unlimited. */
export interface QuotaLimits {
  charsPerMinute?: number
  charsPerDay?: number
}

/** The `quota` field of an `API_KEYS` entry. */
export const QuotaLimitsSchema = z
  .object({
    charsPerMinute: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    charsPerDay: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict()

/**
 * The `quota` of `API_KEYS[i]` (absent: unlimited); a malformed one stops the worker with a
 * message that names the field and what is allowed.
 *
 * @example
 * keyQuotaOf({ charsPerDay: 200000 }, 0) // { charsPerDay: 200000 }
 */
export function keyQuotaOf(value: unknown, i: number): QuotaLimits | undefined {
  if (value === undefined || value === null) return undefined
  const parsed = QuotaLimitsSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ProblemError(
      'internal_error',
      `configuration API_KEYS[${i}].quota is invalid at ${issue?.path.join('.') || 'quota'}: ${issue?.message ?? 'bad value'} (charsPerMinute and charsPerDay, positive integers)`,
    )
  }
  const { charsPerMinute, charsPerDay } = parsed.data
  return Object.freeze({
    ...(charsPerMinute === undefined ? {} : { charsPerMinute }),
    ...(charsPerDay === undefined ? {} : { charsPerDay }),
  })
}

/** The windows a quota is counted in. */
export type QuotaWindow = 'minute' | 'day'

/** The length of each window. */
export const WINDOW_MS: Record<QuotaWindow, number> = { minute: 60_000, day: 86_400_000 }

/** Where one window stands after a charge (or a refused one). */
export interface WindowState {
  window: QuotaWindow
  limit: number
  /** What is left in this window (never below 0). */
  remaining: number
  /** Milliseconds until the window starts afresh. */
  resetMs: number
}

/** What the quota object answers: the charge was made, or refused for `refused`'s window. */
export interface QuotaAnswer {
  ok: boolean
  /** One entry per limited window of the key. */
  windows: WindowState[]
  /** The window that refused the charge. */
  refused?: QuotaWindow
}

/**
 * The limits of `quota` as configured, or undefined when none is set (unlimited: no call to
 * the quota object at all).
 *
 * @example
 * limitedWindows({ charsPerMinute: 2000 }) // [['minute', 2000]]
 */
export function limitedWindows(quota: QuotaLimits | undefined): Array<[QuotaWindow, number]> {
  const out: Array<[QuotaWindow, number]> = []
  if (quota?.charsPerMinute !== undefined) out.push(['minute', quota.charsPerMinute])
  if (quota?.charsPerDay !== undefined) out.push(['day', quota.charsPerDay])
  return out
}

/**
 * A duration as OpenAI writes its `x-ratelimit-reset-*` values: `850ms`, `12s`, `6m0s`,
 * `3h2m1s` (whole seconds from one second up, rounded up so a caller never comes back early).
 *
 * @example
 * resetText(360_000) // '6m0s'
 */
export function resetText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`
  const total = Math.ceil(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return `${h}h${m}m${s}s`
  if (m > 0) return `${m}m${s}s`
  return `${s}s`
}

/** The header suffix of a window: OpenAI's per-minute name for the minute, `-day` for the day. */
const SUFFIX: Record<QuotaWindow, string> = { minute: 'characters', day: 'characters-day' }

/**
 * `x-ratelimit-limit-*`, `x-ratelimit-remaining-*` and `x-ratelimit-reset-*` for each limited
 * window, named as OpenAI names its own (`…-tokens` there, `…-characters` here, and
 * `…-characters-day` for the daily window).
 *
 * @example
 * quotaHeaders([{ window: 'minute', limit: 2000, remaining: 1200, resetMs: 30_000 }])
 * // { 'x-ratelimit-limit-characters': '2000', 'x-ratelimit-remaining-characters': '1200', 'x-ratelimit-reset-characters': '30s' }
 */
export function quotaHeaders(windows: readonly WindowState[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const w of windows) {
    out[`x-ratelimit-limit-${SUFFIX[w.window]}`] = String(w.limit)
    out[`x-ratelimit-remaining-${SUFFIX[w.window]}`] = String(w.remaining)
    out[`x-ratelimit-reset-${SUFFIX[w.window]}`] = resetText(w.resetMs)
  }
  return out
}
