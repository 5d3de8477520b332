/**
 * @module quota/count — the arithmetic of work quotas and the tenant's queue ledger, as plain
 * functions over plain state (the `WorkQuota` object keeps that state and persists it; a unit
 * test drives these with a fake clock).
 */
import { type QuotaAnswer, type QuotaWindow, WINDOW_MS, type WindowState } from './limits.ts'

/** One window's use: which window (its start) and how much of it is spent. */
export interface WindowUse {
  start: number
  used: number
}

/** A key's use, per window. */
export type KeyUse = Partial<Record<QuotaWindow, WindowUse>>

/** What the object keeps: use per key id, and the tenant's queued items (id → expiry). */
export interface QuotaState {
  keys: Record<string, KeyUse>
  pending: Record<string, number>
}

/** An empty state. */
export function emptyState(): QuotaState {
  return { keys: Object.create(null), pending: Object.create(null) }
}

function windowStart(window: QuotaWindow, now: number): number {
  return Math.floor(now / WINDOW_MS[window]) * WINDOW_MS[window]
}

/**
 * Charges `chars` to `use` when every limited window has room for them, else changes
 * nothing and names the first window without room. A charge of 0 only reports.
 *
 * @example
 * chargeUse(use, [['minute', 100]], 40, Date.now()) // { ok: true, windows: [{ remaining: 60, … }] }
 */
export function chargeUse(
  use: KeyUse,
  limits: ReadonlyArray<readonly [QuotaWindow, number]>,
  chars: number,
  now: number,
): QuotaAnswer {
  const current = limits.map(([window, limit]) => {
    const start = windowStart(window, now)
    const seen = use[window]
    const used = seen && seen.start === start ? seen.used : 0
    return { window, limit, start, used }
  })
  const refused = chars > 0 ? current.find((w) => w.used + chars > w.limit) : undefined
  if (!refused) {
    for (const w of current) use[w.window] = { start: w.start, used: w.used + chars }
  }
  const windows: WindowState[] = current.map((w) => ({
    window: w.window,
    limit: w.limit,
    remaining: Math.max(0, w.limit - w.used - (refused ? 0 : chars)),
    resetMs: w.start + WINDOW_MS[w.window] - now,
  }))
  return refused ? { ok: false, windows, refused: refused.window } : { ok: true, windows }
}

/**
 * Gives back `chars` charged earlier in the windows still current (a prepaid prefetch whose
 * sentences turned out cached).
 *
 * @example
 * refundUse(use, 120, Date.now())
 */
export function refundUse(use: KeyUse, chars: number, now: number): void {
  for (const window of Object.keys(use) as QuotaWindow[]) {
    const seen = use[window]
    if (seen && seen.start === windowStart(window, now)) {
      seen.used = Math.max(0, seen.used - chars)
    }
  }
}

/** Forgets queued items past their expiry (a message lost or long dead-lettered). */
export function prunePending(pending: Record<string, number>, now: number): void {
  for (const [id, expires] of Object.entries(pending)) {
    if (expires <= now) delete pending[id]
  }
}

/** The ids of `ids` not already queued (each once, in order). */
export function freshIds(pending: Record<string, number>, ids: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const id of ids) {
    if (seen.has(id) || Object.hasOwn(pending, id)) continue
    seen.add(id)
    out.push(id)
  }
  return out
}
