/**
 * @module lang/calibration — turns an n-gram decision's margin into a confidence a caller can
 * act on: the share of decisions with that margin and that many letters that were right on the
 * tuning set (CLDR's localised names and UDHR snippets; bench/tune-lang.ts fits the table,
 * bench/ui.bench.ts checks it on the held-out set). Loaded with the n-gram data.
 */

/** Upper edges of the margin bins; the last bin holds everything from the last edge up. */
export const MARGIN_EDGES = [0.01, 0.03, 0.06, 0.1, 0.15, 0.25, 0.4, 0.6] as const

/** Upper edges (exclusive) of the letter-count classes, per decision kind. */
export const LETTER_EDGES = { latin: [6, 11, 21, 41], han: [3, 5, 9] } as const

export type DecisionKind = keyof typeof LETTER_EDGES

/**
 * Right answers' share per letter class (rows) and margin bin (columns), made non-decreasing
 * in the margin. Fitted by bench/tune-lang.ts; its output, pasted.
 */
export const CALIBRATION: Record<DecisionKind, number[][]> = {
  latin: [
    [0.45, 0.45, 0.57, 0.61, 0.82, 0.83, 0.85, 0.85, 0.85],
    [0.4, 0.4, 0.56, 0.58, 0.71, 0.75, 0.87, 0.87, 0.87],
    [0.45, 0.51, 0.69, 0.85, 0.89, 0.94, 0.96, 0.98, 0.99],
    [0.54, 0.7, 0.86, 0.94, 0.96, 0.98, 0.99, 0.99, 0.99],
    [0.66, 0.71, 0.9, 0.98, 0.99, 0.99, 0.99, 0.99, 0.99],
  ],
  han: [
    [0.51, 0.51, 0.51, 0.62, 0.62, 0.71, 0.82, 0.93, 0.93],
    [0.72, 0.72, 0.72, 0.72, 0.84, 0.95, 0.95, 0.99, 0.99],
    [0.4, 0.4, 0.86, 0.93, 0.93, 0.93, 0.94, 0.98, 0.99],
    [0.5, 0.5, 0.5, 0.66, 0.66, 0.66, 0.66, 0.88, 0.99],
  ],
}

/** Index of the first edge `value` is below, or `edges.length`. */
export function binOf(value: number, edges: readonly number[]): number {
  let i = 0
  while (i < edges.length && value >= (edges[i] as number)) i++
  return i
}

/**
 * The calibrated confidence of a decision of `kind` over `letters` letters won by `margin`.
 *
 * @example
 * calibrate('latin', 30, 0.5) // e.g. 0.97
 */
export function calibrate(kind: DecisionKind, letters: number, margin: number): number {
  const row = CALIBRATION[kind][binOf(letters, LETTER_EDGES[kind])] as number[]
  return row[binOf(margin, MARGIN_EDGES)] as number
}
