import { describe, expect, it } from 'vitest'
import { chargeUse, freshIds, type KeyUse, prunePending, refundUse } from './count.ts'
import { keyQuotaOf, limitedWindows, quotaHeaders, resetText } from './limits.ts'

const MINUTE = 60_000
const DAY = 86_400_000
// A fixed clock: 10 s into a minute, 10 h into a UTC day.
const t0 = 20_000 * DAY + 10 * 3_600_000 + 10_000

describe('chargeUse', () => {
  it('charges every window when all have room, and reports what is left and when each resets', () => {
    const use: KeyUse = {}
    const limits = limitedWindows({ charsPerMinute: 100, charsPerDay: 1000 })
    const a = chargeUse(use, limits, 60, t0)
    expect(a).toEqual({
      ok: true,
      windows: [
        { window: 'minute', limit: 100, remaining: 40, resetMs: 50_000 },
        { window: 'day', limit: 1000, remaining: 940, resetMs: 14 * 3_600_000 - 10_000 },
      ],
    })
  })

  it('refuses without charging when one window lacks room, naming that window', () => {
    const use: KeyUse = {}
    const limits = limitedWindows({ charsPerMinute: 100, charsPerDay: 150 })
    expect(chargeUse(use, limits, 90, t0).ok).toBe(true)
    const refused = chargeUse(use, limits, 20, t0 + 1000)
    expect(refused.ok).toBe(false)
    expect(refused.refused).toBe('minute')
    expect(refused.windows.map((w) => w.remaining)).toEqual([10, 60])
    // The next minute has room again; the day still counts the first 90.
    const later = chargeUse(use, limits, 50, t0 + MINUTE)
    expect(later.ok).toBe(true)
    expect(later.windows.map((w) => w.remaining)).toEqual([50, 10])
    const dayFull = chargeUse(use, limits, 20, t0 + 2 * MINUTE)
    expect(dayFull.refused).toBe('day')
    // A new UTC day starts afresh.
    expect(chargeUse(use, limits, 100, t0 + DAY).ok).toBe(true)
  })

  it('refunds only in the windows still current', () => {
    const use: KeyUse = {}
    const limits = limitedWindows({ charsPerMinute: 100, charsPerDay: 1000 })
    chargeUse(use, limits, 80, t0)
    refundUse(use, 30, t0 + MINUTE) // the minute has passed: only the day gets it back
    const now = chargeUse(use, limits, 0, t0 + MINUTE)
    expect(now.windows.map((w) => w.remaining)).toEqual([100, 950])
    refundUse(use, 500, t0 + MINUTE)
    expect(chargeUse(use, limits, 0, t0 + MINUTE).windows[1]?.remaining).toBe(1000)
  })
})

describe('the queue ledger', () => {
  it('keeps each id once, skips those queued, and forgets expired ones', () => {
    const pending: Record<string, number> = { a: t0 + 10, b: t0 - 1 }
    prunePending(pending, t0)
    expect(Object.keys(pending)).toEqual(['a'])
    expect(freshIds(pending, ['a', 'c', 'c', 'd'])).toEqual(['c', 'd'])
  })
})

describe('headers', () => {
  it('writes reset times as OpenAI does and names the windows', () => {
    expect(resetText(850)).toBe('850ms')
    expect(resetText(12_000)).toBe('12s')
    expect(resetText(360_000)).toBe('6m0s')
    expect(resetText(3 * 3_600_000 + 2 * 60_000 + 500)).toBe('3h2m1s')
    expect(
      quotaHeaders([
        { window: 'minute', limit: 2000, remaining: 1200, resetMs: 30_000 },
        { window: 'day', limit: 9, remaining: 0, resetMs: 61_000 },
      ]),
    ).toEqual({
      'x-ratelimit-limit-characters': '2000',
      'x-ratelimit-remaining-characters': '1200',
      'x-ratelimit-reset-characters': '30s',
      'x-ratelimit-limit-characters-day': '9',
      'x-ratelimit-remaining-characters-day': '0',
      'x-ratelimit-reset-characters-day': '1m1s',
    })
    expect(limitedWindows(undefined)).toEqual([])
  })
})

describe('keyQuotaOf', () => {
  it('takes the two limits, treats absence as unlimited, and names a bad field', () => {
    expect(keyQuotaOf(undefined, 0)).toBeUndefined()
    expect(keyQuotaOf({ charsPerDay: 5 }, 0)).toEqual({ charsPerDay: 5 })
    expect(() => keyQuotaOf({ charsPerDay: -1 }, 2)).toThrow(
      /API_KEYS\[2\]\.quota is invalid at charsPerDay/,
    )
    expect(() => keyQuotaOf({ charsPerHour: 5 }, 0)).toThrow(/API_KEYS\[0\]\.quota is invalid/)
  })
})
