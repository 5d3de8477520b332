/**
 * @module cache/lru-sketch — a bounded summary of "bytes by last use" over a pass of the
 * cache index, from which the next pass learns below which `lastUsed` to evict.
 *
 * The index is walked in pages across cron runs, so the least recently used entries cannot be
 * sorted in memory as one list. The sketch keeps at most {@link SKETCH_SIZE} points (exact for
 * a small cache); past that it merges the two closest neighbours into the later one, so a
 * threshold read from it evicts at least the bytes asked for, never less. Our own ~40 lines:
 * the quantile libraries we know of weigh by count, not by bytes, and keep no JSON state.
 */

/** Points kept at most. */
export const SKETCH_SIZE = 256

/** `[lastUsed, bytes]` pairs, ascending by `lastUsed`; plain JSON, stored between runs. */
export type LruSketch = [number, number][]

/**
 * Adds `bytes` last used at `lastUsed` (in place).
 *
 * @example
 * addToSketch(sketch, meta.lastUsed, meta.size)
 */
export function addToSketch(sketch: LruSketch, lastUsed: number, bytes: number): void {
  let at = sketch.findIndex(([v]) => v >= lastUsed)
  if (at === -1) at = sketch.length
  const here = sketch[at]
  if (here && here[0] === lastUsed) {
    here[1] += bytes
    return
  }
  sketch.splice(at, 0, [lastUsed, bytes])
  if (sketch.length <= SKETCH_SIZE) return
  let closest = 0
  let gap = Number.POSITIVE_INFINITY
  for (let i = 0; i + 1 < sketch.length; i++) {
    const d = (sketch[i + 1] as [number, number])[0] - (sketch[i] as [number, number])[0]
    if (d < gap) {
      gap = d
      closest = i
    }
  }
  const [a, b] = sketch.splice(closest, 2) as [[number, number], [number, number]]
  // The later point absorbs the earlier: evicting up to it removes both.
  sketch.splice(closest, 0, [b[0], a[1] + b[1]])
}

/**
 * The smallest `lastUsed` such that entries used at or before it hold at least `bytes`.
 *
 * @example
 * const before = evictionThreshold(sketch, total - maxBytes)
 */
export function evictionThreshold(sketch: LruSketch, bytes: number): number | undefined {
  let sum = 0
  for (const [lastUsed, size] of sketch) {
    sum += size
    if (sum >= bytes) return lastUsed
  }
  return sketch.at(-1)?.[0]
}
