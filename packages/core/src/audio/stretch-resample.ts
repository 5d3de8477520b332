/**
 * @module audio/stretch-resample — streaming resampling of mono float PCM by any real factor,
 * with a Kaiser-windowed sinc low-pass: what turns a time stretch into a pitch shift
 * (stretch by p, then read p times faster).
 *
 * Why not `@tts/espeak`'s resampler: it is fixed-ratio (a polyphase table per rational pair)
 * and works on whole buffers; a pitch factor such as 1.37 needs any real step, and the edge
 * streams. Here the kernel is tabulated finely once per factor and interpolated.
 */

/** A streaming resampler: `push` chunks, then `flush` once. */
export interface StreamResampler {
  push(input: Float32Array): Float32Array
  /** The rest; afterwards the total is exactly `round(inputLength / step)`. */
  flush(): Float32Array
}

const ZERO_CROSSINGS = 8
const BETA = 7
const ROLLOFF = 0.92
const TABLE_STEPS = 128

function besselI0(x: number): number {
  let sum = 1
  let term = 1
  for (let k = 1; k < 50; k++) {
    term *= (x / 2 / k) ** 2
    sum += term
    if (term < sum * 1e-12) break
  }
  return sum
}

/**
 * A resampler that reads the input `step` samples forward per output sample (`step` > 1:
 * shorter and higher; < 1: longer and lower), filtered so nothing aliases.
 *
 * @example
 * const up = createStreamResampler(1.3)
 * const out = [up.push(a), up.push(b), up.flush()]
 */
export function createStreamResampler(step: number): StreamResampler {
  if (!(step >= 0.1 && step <= 10)) throw new RangeError(`step must be 0.1–10, got ${step}`)
  const cutoff = Math.min(1, 1 / step) * ROLLOFF
  const half = Math.ceil(ZERO_CROSSINGS / cutoff)
  const i0 = besselI0(BETA)
  // kernel(d) for d = 0 … half in 1/TABLE_STEPS steps (symmetric).
  const table = new Float32Array(half * TABLE_STEPS + 2)
  for (let j = 0; j < table.length; j++) {
    const d = j / TABLE_STEPS
    const x = d / half
    const w = x >= 1 ? 0 : besselI0(BETA * Math.sqrt(1 - x * x)) / i0
    const arg = Math.PI * cutoff * d
    table[j] = (arg === 0 ? 1 : Math.sin(arg) / arg) * w
  }
  let data = new Float32Array(4096)
  let start = -half // absolute position of data[0]; the input starts after `half` zeros
  let length = half
  let taken = 0
  let n = 0
  let ended = false

  function sampleAt(t: number): number {
    const base = Math.floor(t)
    let acc = 0
    let norm = 0
    for (let i = base - half + 1; i <= base + half; i++) {
      const pos = Math.abs(t - i) * TABLE_STEPS
      const j = Math.floor(pos)
      const f = pos - j
      const k = (table[j] as number) * (1 - f) + (table[j + 1] as number) * f
      const idx = i - start
      acc += k * (idx >= 0 && idx < length ? (data[idx] as number) : 0)
      norm += k
    }
    return acc / norm
  }

  function run(limit: number | undefined): Float32Array {
    const out: number[] = []
    const end = start + length
    while (limit === undefined ? Math.floor(n * step) + half < end : n < limit) {
      out.push(sampleAt(n * step))
      n++
    }
    const keep = Math.floor(n * step) - half
    const drop = Math.min(length, keep - start)
    if (drop > 0) {
      data.copyWithin(0, drop, length)
      length -= drop
      start += drop
    }
    return Float32Array.from(out)
  }

  return {
    push(input) {
      if (ended) throw new Error('push after flush')
      if (length + input.length > data.length) {
        const next = new Float32Array(Math.max(data.length * 2, length + input.length))
        next.set(data.subarray(0, length))
        data = next
      }
      data.set(input, length)
      length += input.length
      taken += input.length
      return run(undefined)
    },
    flush() {
      if (ended) return new Float32Array(0)
      ended = true
      return run(Math.round(taken / step))
    },
  }
}
