/**
 * @module result — the shape of a benchmark result: rows of figures, each figure either
 * measured or explicitly "not measured" with the reason (never a typed-in number), plus the
 * places where ours loses to a baseline and what would close the gap.
 */

/** One figure of a row. `value` is null exactly when `notMeasured` says why. */
export interface Figure {
  label: string
  value: number | null
  unit: string
  /** Why there is no value: the subject does not exist yet, a tool is missing, ... */
  notMeasured?: string
  note?: string
}

/** Where ours is worse than a baseline, and what would close the gap. */
export interface Loss {
  what: string
  close: string
}

/** One row of the suite. */
export interface RowResult {
  id: number
  title: string
  figures: Figure[]
  /** One-line conclusions computed from the figures (ratios, wins). */
  findings: string[]
  losses: Loss[]
  /** Exactly what was run: counts, durations, texts' lengths, profiles, tools. */
  settings: Record<string, unknown>
  /** How to read the figures: what is measured and what is not. */
  method: string
  /** Set when the row failed as a whole; its figures are then what it got before failing. */
  error?: string
  durationS: number
}

/** A whole run, as written to bench/results/*.json. */
export interface BenchResult {
  schema: 1
  startedAt: string
  finishedAt: string
  mode: 'quick' | 'full'
  command: string
  git: { commit: string; dirty: boolean }
  machine: import('../machine/index.ts').MachineFacts
  settings: Record<string, unknown>
  rows: RowResult[]
}

/**
 * A measured figure.
 *
 * @example
 * measured('p50', 3.2, 'ms')
 */
export function measured(label: string, value: number, unit: string, note?: string): Figure {
  return { label, value: Number.isFinite(value) ? value : null, unit, ...(note ? { note } : {}) }
}

/**
 * A figure that could not be measured, and why.
 *
 * @example
 * notMeasured('with single-flight', 'syntheses', 'the edge has no single-flight yet')
 */
export function notMeasured(label: string, unit: string, why: string): Figure {
  return { label, value: null, unit, notMeasured: why }
}
