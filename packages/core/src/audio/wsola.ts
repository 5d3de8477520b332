/**
 * @module audio/wsola — streaming time stretch of mono float PCM by WSOLA (waveform-similarity
 * overlap-add, Verhelst & Roelands 1993): the duration changes, the pitch does not.
 *
 * Our own code, because no maintained library fits the Worker and our MIT licence:
 * `soundtouchjs` is LGPL-2.1 (bundling it into the worker and MIT core would make the shipped
 * bundle LGPL), the MPL/MIT phase vocoders on npm (`phaze`, `@soundtouchjs/audio-worklet`)
 * are AudioWorklet processors that need `AudioWorkletProcessor` and a 128-sample render
 * quantum, not a plain push/pull API, and the WebAssembly Rubber Band builds are GPL. WSOLA on
 * speech is short, has no phase artefacts ("phasiness") and is exact about length.
 *
 * Streaming: every choice depends only on absolute sample positions, so any split of the
 * input into chunks gives exactly the same output as one push — no seams at chunk joins. The
 * first samples come out once one frame (30 ms) and the search range (10 ms) are in.
 */

/** Options of {@link createWsola}. */
export interface WsolaOptions {
  /** Output duration = input duration / `rate`; 0.1–10. */
  rate: number
  sampleRate: number
}

/** A streaming time stretcher: `push` chunks, then `flush` once at the end of the sound. */
export interface Wsola {
  /** Output ready after taking `input` (maybe empty). */
  push(input: Float32Array): Float32Array
  /** The rest of the output; afterwards the total is exactly `round(inputLength / rate)`. */
  flush(): Float32Array
}

const FRAME_SECONDS = 0.03
const TOLERANCE_SECONDS = 0.01

function hann(length: number): Float32Array {
  const w = new Float32Array(length)
  for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length)
  return w
}

/** Appends floats to a growable buffer addressed by absolute sample position. */
class History {
  data = new Float32Array(4096)
  start = 0
  length = 0
  get end(): number {
    return this.start + this.length
  }
  append(input: Float32Array): void {
    if (this.length + input.length > this.data.length) {
      const next = new Float32Array(Math.max(this.data.length * 2, this.length + input.length))
      next.set(this.data.subarray(0, this.length))
      this.data = next
    }
    this.data.set(input, this.length)
    this.length += input.length
  }
  /** Forgets samples before absolute position `from`. */
  drop(from: number): void {
    const n = Math.min(this.length, from - this.start)
    if (n <= 0) return
    this.data.copyWithin(0, n, this.length)
    this.length -= n
    this.start += n
  }
}

/**
 * A streaming WSOLA time stretcher.
 *
 * @example
 * const slow = createWsola({ rate: 0.55, sampleRate: 24_000 })
 * const out = [slow.push(chunk1), slow.push(chunk2), slow.flush()]
 */
export function createWsola(options: WsolaOptions): Wsola {
  const { rate, sampleRate } = options
  if (!(rate >= 0.1 && rate <= 10)) throw new RangeError(`rate must be 0.1–10, got ${rate}`)
  const hop = Math.max(8, Math.round((FRAME_SECONDS * sampleRate) / 2))
  const frame = hop * 2
  const tolerance = Math.round(TOLERANCE_SECONDS * sampleRate)
  const window = hann(frame)
  const history = new History()
  const acc = new Float32Array(frame)
  const weight = new Float32Array(frame)
  let k = 0
  let previous = 0
  let taken = 0
  let emitted = 0
  let ended = false

  const nominal = (n: number) => Math.round(n * hop * rate)

  /** Start of the input segment most like the natural continuation of the previous frame. */
  function bestStart(n: number): number {
    if (n === 0) return 0
    const natural = previous + hop
    const lo = Math.max(0, nominal(n) - tolerance)
    const hi = nominal(n) + tolerance
    // Every position read here is inside the history: `needed` waited for it, `flush` padded.
    const data = history.data
    const base = natural - history.start
    const score = (c: number, step: number) => {
      let corr = 0
      let energy = 1e-9
      const at = c - history.start
      for (let i = 0; i < hop; i += step) {
        const v = data[at + i] as number
        corr += v * (data[base + i] as number)
        energy += v * v
      }
      return corr / Math.sqrt(energy)
    }
    // Coarse pass on every other lag and sample, then the neighbours of the best at full rate.
    let best = lo
    let bestScore = Number.NEGATIVE_INFINITY
    for (let c = lo; c <= hi; c += 2) {
      const s = score(c, 2)
      if (s > bestScore) [best, bestScore] = [c, s]
    }
    const coarse = best
    bestScore = Number.NEGATIVE_INFINITY
    for (let c = Math.max(lo, coarse - 1); c <= Math.min(hi, coarse + 1); c++) {
      const s = score(c, 1)
      if (s > bestScore) [best, bestScore] = [c, s]
    }
    return best
  }

  function needed(n: number): number {
    return n === 0 ? frame : Math.max(nominal(n) + tolerance, previous + hop) + frame
  }

  function run(target: number | undefined): Float32Array {
    let out = new Float32Array(hop * 8)
    let length = 0
    while (target === undefined ? needed(k) <= history.end : emitted + length < target) {
      // After the end, the frames still to come read silence.
      if (needed(k) > history.end) history.append(new Float32Array(needed(k) - history.end))
      const start = bestStart(k)
      const from = start - history.start
      for (let i = 0; i < frame; i++) {
        const w = window[i] as number
        acc[i] = (acc[i] as number) + w * (history.data[from + i] as number)
        weight[i] = (weight[i] as number) + w
      }
      if (length + hop > out.length) {
        const grown = new Float32Array(out.length * 2)
        grown.set(out)
        out = grown
      }
      for (let i = 0; i < hop; i++) {
        const w = weight[i] as number
        out[length++] = w > 1e-6 ? (acc[i] as number) / w : 0
      }
      acc.copyWithin(0, hop)
      weight.copyWithin(0, hop)
      acc.fill(0, frame - hop)
      weight.fill(0, frame - hop)
      previous = start
      k++
      history.drop(Math.min(nominal(k) - tolerance, previous + hop))
    }
    const end = target === undefined ? length : Math.min(length, Math.max(0, target - emitted))
    return out.slice(0, end)
  }

  return {
    push(input) {
      if (ended) throw new Error('push after flush')
      history.append(input)
      taken += input.length
      const out = run(undefined)
      emitted += out.length
      return out
    },
    flush() {
      if (ended) return new Float32Array(0)
      ended = true
      const out = run(Math.round(taken / rate))
      emitted += out.length
      return out
    },
  }
}
