/**
 * @module pool/first-chunk — how long an upstream takes to its first audio chunk, as seen
 * lately: an exponentially weighted moving average of streamed syntheses' first-chunk times.
 * It sizes the slot held after a call we gave up on (`releaseAfterGpu`): the `ttfbMs` limit
 * (3 s by default) is what we allow, not what the server takes (~0.6 s on a warm XTTS), so
 * holding the slot that long made the next caller wait longer than the GPU was busy.
 */

/** Weight of the newest observation: about the last five calls dominate. */
const ALPHA = 0.2

/** One upstream's recent first-chunk times. */
export interface FirstChunkMeter {
  /** Records a streamed synthesis whose first chunk came `ms` after it was sent. */
  note(ms: number): void
  /** The recent first-chunk time, never above `limitMs`; `limitMs` before any observation. */
  estimateMs(limitMs: number): number
}

/**
 * A meter with no observations yet.
 *
 * @example
 * const meter = createFirstChunkMeter()
 * meter.note(620)
 * meter.estimateMs(3000) // 620
 */
export function createFirstChunkMeter(): FirstChunkMeter {
  let average: number | undefined
  return {
    note(ms) {
      if (!Number.isFinite(ms) || ms < 0) return
      average = average === undefined ? ms : average + ALPHA * (ms - average)
    },
    estimateMs(limitMs) {
      return average === undefined ? limitMs : Math.min(average, limitMs)
    },
  }
}
