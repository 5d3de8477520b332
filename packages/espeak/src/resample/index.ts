/**
 * @module resample — rational-ratio polyphase resampling of 16-bit PCM with a Kaiser-windowed
 * sinc low-pass filter (espeak-ng's 22,050 Hz → XTTS's 24,000 Hz is 160/147).
 *
 * Our own code, because the maintained resamplers on npm are WebAssembly builds
 * (libsamplerate-js, speex-resampler-wasm) that need an async compile, which workerd forbids
 * for run-time bytes and which adds a second lazy load to the browser path; the pure-JS
 * `wave-resampler` is unmaintained and works on whole Float64 copies. A fixed-ratio polyphase
 * filter is short, exact and testable against sine tones.
 */

/** Options of {@link resamplePcm16}. */
export interface ResampleOptions {
  /** Zero crossings of the sinc on each side; more is sharper and slower. Default 16. */
  zeroCrossings?: number
  /** Kaiser window β; 8.6 gives about 90 dB stop-band. */
  beta?: number
  /** Cut-off as a share of the lower Nyquist frequency, leaving room for the transition band. */
  rolloff?: number
}

const tableCache = new Map<
  string,
  { table: Float32Array; taps: number; up: number; down: number }
>()

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

// Zeroth-order modified Bessel function of the first kind, by its power series.
function besselI0(x: number): number {
  let sum = 1
  let term = 1
  const half = x / 2
  for (let k = 1; k < 50; k++) {
    term *= (half / k) ** 2
    sum += term
    if (term < sum * 1e-12) break
  }
  return sum
}

function filterTable(from: number, to: number, options: ResampleOptions) {
  const zeroCrossings = options.zeroCrossings ?? 16
  const beta = options.beta ?? 8.6
  const rolloff = options.rolloff ?? 0.94
  const key = `${from}:${to}:${zeroCrossings}:${beta}:${rolloff}`
  const cached = tableCache.get(key)
  if (cached) return cached
  const divisor = gcd(from, to)
  const up = to / divisor
  const down = from / divisor
  // Cut-off in cycles per input sample, scaled so that downsampling also removes what would alias.
  const cutoff = Math.min(1, to / from) * rolloff
  const half = Math.ceil(zeroCrossings / cutoff)
  const taps = 2 * half
  const table = new Float32Array(up * taps)
  const i0Beta = besselI0(beta)
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up
    let sum = 0
    for (let k = 0; k < taps; k++) {
      const tau = frac - (k - half + 1)
      const x = tau / half
      const window = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta
      const arg = Math.PI * cutoff * tau
      const sinc = arg === 0 ? 1 : Math.sin(arg) / arg
      const value = cutoff * sinc * window
      table[phase * taps + k] = value
      sum += value
    }
    // Unity gain at DC for every phase, so no phase-dependent ripple appears in the output.
    for (let k = 0; k < taps; k++) table[phase * taps + k] = (table[phase * taps + k] ?? 0) / sum
  }
  const entry = { table, taps, up, down }
  tableCache.set(key, entry)
  return entry
}

/**
 * Resamples mono 16-bit PCM from one rate to another.
 *
 * @example
 * const pcm24k = resamplePcm16(pcm22k, 22_050, 24_000)
 */
export function resamplePcm16(
  input: Int16Array,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Int16Array {
  for (const [name, rate] of [
    ['fromRate', fromRate],
    ['toRate', toRate],
  ] as const) {
    if (!Number.isInteger(rate) || rate < 1000 || rate > 384_000) {
      throw new RangeError(`${name} must be an integer between 1000 and 384000 Hz, got ${rate}`)
    }
  }
  if (fromRate === toRate) return input.slice()
  const { table, taps, up, down } = filterTable(fromRate, toRate, options)
  const half = taps / 2
  const length = Math.floor((input.length * up) / down)
  const output = new Int16Array(length)
  for (let n = 0; n < length; n++) {
    const position = n * down
    const base = Math.floor(position / up)
    const phase = position - base * up
    const offset = phase * taps
    // Taps that fall outside the input count as zeros; bounds are hoisted out of the hot loop.
    const first = base - half + 1
    const kStart = Math.max(0, -first)
    const kEnd = Math.min(taps, input.length - first)
    let acc = 0
    for (let k = kStart; k < kEnd; k++)
      acc += (input[first + k] as number) * (table[offset + k] as number)
    const rounded = Math.round(acc)
    output[n] = Math.min(32767, Math.max(-32768, rounded))
  }
  return output
}
