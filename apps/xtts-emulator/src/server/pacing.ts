/**
 * @module server/pacing — the GPU latency model: when each chunk of audio is due, from the
 * time to first byte and the real-time factor.
 */

/** The latency model; mutable at run time through `/__config`. */
export interface LatencyModel {
  ttfbMs: number
  rtf: number
}

/**
 * When each chunk is due, in ms after the GPU took the job: the first after the time to first
 * byte (or after producing it at the RTF, if that is longer), each next one after its own
 * duration × RTF. With `ttfbMs` 0 the whole answer takes RTF × audio length.
 *
 * @example
 * chunkSchedule([1, 1, 1], 600, 0.3) // [600, 900, 1200]
 */
export function chunkSchedule(
  chunkSeconds: readonly number[],
  ttfbMs: number,
  rtf: number,
): number[] {
  let previous: number | undefined
  return chunkSeconds.map((seconds) => {
    previous = nextDue(previous, seconds, { ttfbMs, rtf })
    return previous
  })
}

/**
 * When the chunk after one due at `previous` (undefined for the first) is due.
 *
 * @example
 * nextDue(undefined, 0.85, { ttfbMs: 600, rtf: 0.3 }) // 600
 */
export function nextDue(
  previous: number | undefined,
  seconds: number,
  latency: LatencyModel,
): number {
  const work = latency.rtf * seconds * 1000
  return previous === undefined ? Math.max(latency.ttfbMs, work) : previous + work
}
