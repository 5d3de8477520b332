/**
 * @module playback/pcm-decoder — streamed WAV (or raw 24 kHz s16le PCM) bytes to float samples
 * at the output's rate, chunk by chunk: the header is read as it arrives, a sample split across
 * two chunks is carried over, stereo is mixed to mono, and a linear resampler keeps its position
 * across chunks so joins are continuous (no click where one network chunk meets the next).
 *
 * Own code: Web Audio's `decodeAudioData` needs a whole file, and the resampling libraries on
 * npm (libsamplerate builds, ~100 KB of WASM) cost more than the 15 KB budget of this bundle.
 * Linear interpolation is enough for speech upsampled from 24 kHz to 44.1/48 kHz.
 */

/** Decodes one stream. */
export interface PcmDecoder {
  /** Samples at the output rate that this chunk completes (may be empty). */
  push(chunk: Uint8Array): Float32Array
  /** The last samples, at the end of the stream. */
  end(): Float32Array
  /** The source's rate; known after the header (24 000 for raw PCM). */
  readonly sourceRate: number
  /** Source frames decoded so far. */
  readonly sourceFrames: number
}

const RIFF = 0x52494646
const DATA = 0x64617461
const FMT = 0x666d7420

/**
 * A decoder for `mimeType` (`audio/wav`, `audio/pcm`, `audio/L16`) to `outputRate`.
 *
 * @example
 * const d = createPcmDecoder('audio/wav', 48_000)
 * const samples = d.push(chunk) // Float32Array at 48 kHz
 */
export function createPcmDecoder(mimeType: string, outputRate: number): PcmDecoder {
  const raw = mimeType !== 'audio/wav' && mimeType !== 'audio/x-wav'
  let header: Uint8Array | undefined = raw ? undefined : new Uint8Array(0)
  let channels = 1
  let rate = 24_000
  let carry: Uint8Array = new Uint8Array(0)
  let frames = 0
  // Resampler state: the next output sample's position in source frames, and the last frame.
  let phase = 0
  let base = 0
  let prev = 0

  const readHeader = (bytes: Uint8Array): Uint8Array | undefined => {
    const all = concat(header as Uint8Array, bytes)
    const view = new DataView(all.buffer, all.byteOffset, all.byteLength)
    if (all.byteLength < 12) {
      header = all
      return undefined
    }
    if (view.getUint32(0) !== RIFF) throw new Error('the stream is not WAV: no RIFF header')
    let at = 12
    while (at + 8 <= all.byteLength) {
      const id = view.getUint32(at)
      const size = view.getUint32(at + 4, true)
      if (id === DATA) {
        header = undefined
        return all.subarray(at + 8)
      }
      if (at + 8 + size > all.byteLength) break
      if (id === FMT) {
        const tag = view.getUint16(at + 8, true)
        const bits = view.getUint16(at + 22, true)
        if ((tag !== 1 && tag !== 0xfffe) || bits !== 16)
          throw new Error(`WAV of format ${tag} with ${bits}-bit samples cannot be streamed`)
        channels = view.getUint16(at + 10, true)
        rate = view.getUint32(at + 12, true)
      }
      at += 8 + size + (size % 2)
    }
    header = all
    return undefined
  }

  const decode = (bytes: Uint8Array, last: boolean): Float32Array => {
    const all = concat(carry, bytes)
    const frameBytes = 2 * channels
    const whole = all.byteLength - (all.byteLength % frameBytes)
    carry = all.slice(whole)
    const view = new DataView(all.buffer, all.byteOffset, whole)
    const n = whole / frameBytes
    const src = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      let sum = 0
      for (let c = 0; c < channels; c++) sum += view.getInt16((i * channels + c) * 2, true)
      src[i] = sum / channels / 32768
    }
    frames += n
    return resample(src, last)
  }

  const resample = (src: Float32Array, last: boolean): Float32Array => {
    const step = rate / outputRate
    const end = base + src.length
    const at = (i: number) => (i < base ? prev : (src[i - base] ?? prev))
    // Needs frames floor(phase) and floor(phase)+1; at the end the last frame is held.
    const limit = last ? end - 1 : end - 2
    const out = new Float32Array(Math.max(0, Math.ceil((limit + 1 - phase) / step) + 1))
    let n = 0
    while (Math.floor(phase) <= limit) {
      const i = Math.floor(phase)
      const f = phase - i
      const s0 = at(i)
      const s1 = i + 1 < end ? at(i + 1) : s0
      out[n++] = s0 + (s1 - s0) * f
      phase += step
    }
    if (src.length > 0) prev = src[src.length - 1] as number
    base = end
    return out.subarray(0, n)
  }

  return {
    push(chunk) {
      let bytes: Uint8Array | undefined = chunk
      if (header !== undefined) bytes = readHeader(chunk)
      return bytes === undefined ? new Float32Array(0) : decode(bytes, false)
    },
    end() {
      if (header !== undefined) throw new Error('the WAV stream ended before its audio data')
      return decode(new Uint8Array(0), true)
    },
    get sourceRate() {
      return rate
    },
    get sourceFrames() {
      return frames
    },
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a)
  out.set(b, a.byteLength)
  return out
}
