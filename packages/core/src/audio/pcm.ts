/**
 * @module audio/pcm — sample conversion (16-bit samples ↔ their s16le bytes, float to 16-bit)
 * and joining of PCM parts, the one copy every package uses.
 */
import { concatBytes } from '../bytes/index.ts'
import { AudioError } from './errors.ts'
import {
  type AudioFormat,
  assertFormat,
  describeFormat,
  frameBytes,
  type PcmAudio,
} from './format.ts'

// Typed arrays use the host's byte order; s16le is the wire's. Every engine we run on is
// little-endian, so the fast path is a plain copy, and the DataView path keeps the rest right.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/**
 * The little-endian bytes of 16-bit samples (WAV data, raw `pcm`, stored segments). Always a
 * copy, so the caller may reuse the samples' buffer.
 *
 * @example
 * writer.write(pcm16ToBytes(chunk))
 */
export function pcm16ToBytes(pcm: Int16Array): Uint8Array<ArrayBuffer> {
  if (HOST_IS_LITTLE_ENDIAN)
    return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength).slice()
  const out = new Uint8Array(pcm.length * 2)
  const view = new DataView(out.buffer)
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] ?? 0, true)
  return out
}

/**
 * 16-bit samples of little-endian bytes; a trailing odd byte (half a sample) is dropped. Always
 * a copy, aligned whatever the bytes' offset.
 *
 * @example
 * const samples = pcm16FromBytes(storedSegment)
 */
export function pcm16FromBytes(bytes: Uint8Array): Int16Array<ArrayBuffer> {
  const whole = bytes.byteLength & ~1
  if (HOST_IS_LITTLE_ENDIAN) return new Int16Array(bytes.slice(0, whole).buffer)
  const view = new DataView(bytes.buffer, bytes.byteOffset, whole)
  const out = new Int16Array(whole >> 1)
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true)
  return out
}

/**
 * Samples of `parts` end to end in a fresh array (sentences or chunks of one stream).
 *
 * @example
 * const all = concatSamples(chunks)
 */
export function concatSamples(parts: readonly Int16Array[]): Int16Array<ArrayBuffer> {
  // Both sides are in the host's byte order, so joining the samples' bytes joins the samples.
  const bytes = concatBytes(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)))
  return new Int16Array(bytes.buffer)
}

/**
 * Samples of `audio` as signed 16-bit integers; 32-bit float samples are clipped to [-1, 1]
 * and scaled (NaN becomes 0). A trailing partial sample is dropped. Always a copy.
 *
 * @example
 * const samples = toPcm16(parseWav(bytes))
 */
export function toPcm16(audio: PcmAudio): Int16Array {
  const { data } = audio
  if (audio.encoding === 'pcm16') return pcm16FromBytes(data)
  if (audio.encoding === 'float32') {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
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
