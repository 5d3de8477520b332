/**
 * @module audio/pcm — sample conversion and joining of PCM parts.
 */
import { AudioError } from './errors.ts'
import {
  type AudioFormat,
  assertFormat,
  describeFormat,
  frameBytes,
  type PcmAudio,
} from './format.ts'

/**
 * Samples of `audio` as signed 16-bit integers; 32-bit float samples are clipped to [-1, 1]
 * and scaled (NaN becomes 0). A trailing partial sample is dropped. Always a copy.
 *
 * @example
 * const samples = toPcm16(parseWav(bytes))
 */
export function toPcm16(audio: PcmAudio): Int16Array {
  const { data } = audio
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (audio.encoding === 'pcm16') {
    const out = new Int16Array(data.byteLength >> 1)
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true)
    return out
  }
  if (audio.encoding === 'float32') {
    const out = new Int16Array(data.byteLength >> 2)
    for (let i = 0; i < out.length; i++) {
      const v = view.getFloat32(i * 4, true)
      // Asymmetric scale: -1 maps to -32768 and +1 to 32767, so both ends are reachable.
      out[i] = Number.isNaN(v)
        ? 0
        : v >= 1
          ? 32767
          : v <= -1
            ? -32768
            : Math.round(v < 0 ? v * 32768 : v * 32767)
    }
    return out
  }
  throw new AudioError(
    'unsupported_format',
    `cannot convert ${String(audio.encoding)} samples; allowed: pcm16, float32`,
  )
}

/** What `concatPcm` returns: the shared format and the joined bytes. */
export interface JoinedPcm extends PcmAudio {
  durationMs: number
}

/**
 * Joins PCM parts of one format end to end (sentences synthesized one by one, chunks of a
 * stream). Every part must hold whole frames, or the samples after it would be misaligned.
 *
 * @throws AudioError (`format_mismatch`) naming the first part whose format differs.
 * @example
 * const all = concatPcm(sentences.map((s) => parseWav(s)))
 * writeWav(all, toPcm16(all))
 */
export function concatPcm(parts: readonly PcmAudio[]): JoinedPcm {
  const first = parts[0]
  if (!first) throw new AudioError('invalid_argument', 'concatPcm needs at least one part')
  assertFormat(first)
  const format: AudioFormat = {
    sampleRate: first.sampleRate,
    channels: first.channels,
    encoding: first.encoding,
  }
  const frame = frameBytes(format)
  let total = 0
  parts.forEach((part, i) => {
    if (
      part.sampleRate !== format.sampleRate ||
      part.channels !== format.channels ||
      part.encoding !== format.encoding
    ) {
      throw new AudioError(
        'format_mismatch',
        `part ${i} is ${describeFormat(part)} but part 0 is ${describeFormat(format)}; only parts of one format can be joined`,
        { part: i },
      )
    }
    if (part.data.byteLength % frame !== 0) {
      throw new AudioError(
        'partial_frame',
        `part ${i} has ${part.data.byteLength} bytes, not a whole number of ${frame}-byte frames`,
        { part: i },
      )
    }
    total += part.data.byteLength
  })
  const data = new Uint8Array(total)
  let at = 0
  for (const part of parts) {
    data.set(part.data, at)
    at += part.data.byteLength
  }
  return { ...format, data, durationMs: ((total / frame) * 1000) / format.sampleRate }
}
