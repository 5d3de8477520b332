/**
 * @module audio/f0 — a fundamental-frequency estimate of voiced PCM by normalised
 * autocorrelation, frame by frame, median over voiced frames: enough to check that a pitch
 * shift moved the voice by its factor (tests, bench), not a pitch tracker for analysis.
 */

/** Options of {@link estimateF0}. */
export interface EstimateF0Options {
  sampleRate: number
  /** Search range in Hz; default 60–600. */
  minHz?: number
  maxHz?: number
}

function frameF0(
  x: Int16Array,
  from: number,
  size: number,
  minLag: number,
  maxLag: number,
): number | undefined {
  let energy = 0
  for (let i = from; i < from + size; i++) energy += (x[i] as number) ** 2
  if (energy / size < 300 ** 2) return undefined // silence or near it
  let bestLag = 0
  let best = 0
  const scores = new Float64Array(maxLag + 2)
  for (let lag = minLag; lag <= maxLag + 1; lag++) {
    let corr = 0
    let e1 = 0
    let e2 = 0
    for (let i = from; i < from + size; i++) {
      const a = x[i] as number
      const b = x[i + lag] as number
      corr += a * b
      e1 += a * a
      e2 += b * b
    }
    scores[lag] = corr / Math.sqrt(e1 * e2 + 1)
  }
  // The first strong peak, not the global one: a multiple of the period scores as high.
  let top = 0
  for (let lag = minLag; lag <= maxLag; lag++) top = Math.max(top, scores[lag] as number)
  for (let lag = minLag + 1; lag <= maxLag; lag++) {
    const s = scores[lag] as number
    if (s >= 0.85 * top && s >= (scores[lag - 1] as number) && s >= (scores[lag + 1] as number)) {
      bestLag = lag
      best = s
      break
    }
  }
  if (best < 0.5 || bestLag === 0) return undefined
  // Parabolic interpolation around the peak for a sub-sample period.
  const l = scores[bestLag - 1] as number
  const r = scores[bestLag + 1] as number
  const denom = l - 2 * best + r
  const shift = denom === 0 ? 0 : (0.5 * (l - r)) / denom
  return bestLag + shift
}

/**
 * Median fundamental frequency in Hz of the voiced frames of `pcm`, or `undefined` when none
 * is voiced.
 *
 * @example
 * const hz = estimateF0(pcm, { sampleRate: 24_000 })
 */
export function estimateF0(pcm: Int16Array, options: EstimateF0Options): number | undefined {
  const { sampleRate } = options
  const minLag = Math.floor(sampleRate / (options.maxHz ?? 600))
  const maxLag = Math.ceil(sampleRate / (options.minHz ?? 60))
  const size = Math.round(sampleRate * 0.03)
  const hop = Math.round(sampleRate * 0.01)
  const periods: number[] = []
  for (let from = 0; from + size + maxLag + 2 < pcm.length; from += hop) {
    const lag = frameF0(pcm, from, size, minLag, maxLag)
    if (lag !== undefined) periods.push(lag)
  }
  if (periods.length === 0) return undefined
  periods.sort((a, b) => a - b)
  return sampleRate / (periods[periods.length >> 1] as number)
}
