/**
 * @module speech/clip — checks a voice-cloning upload before any byte reaches a GPU: the
 * format from its content (WAV, MP3, Ogg or FLAC magic; the file name and the declared type
 * are not trusted), and its duration within bounds, read from the container's own header.
 * Own code rather than a metadata library: four headers' worth of parsing, no decoding, and
 * the libraries that do this pull in Node streams the worker does not have.
 */
import { ProblemError } from '../problem/index.ts'

/** Audio containers a reference clip may come in. */
export type ClipFormat = 'wav' | 'mp3' | 'ogg' | 'flac'

/** What the check learnt of a clip. */
export interface ClipInfo {
  format: ClipFormat
  durationMs: number
}

/** Shortest and longest reference clip accepted (XTTS clones from a few seconds of speech). */
export const CLIP_MIN_MS = 1000
export const CLIP_MAX_MS = 120_000

const ascii = (b: Uint8Array, at: number, n: number) =>
  String.fromCharCode(...b.subarray(at, at + n))

function wavMs(b: Uint8Array, view: DataView): number | undefined {
  let byteRate = 0
  for (let at = 12; at + 8 <= b.length; ) {
    const id = ascii(b, at, 4)
    const size = view.getUint32(at + 4, true)
    if (id === 'fmt ' && at + 16 <= b.length) byteRate = view.getUint32(at + 16, true)
    if (id === 'data') {
      // A streamed WAV may say 0 or 0xFFFFFFFF: count what is there.
      const bytes = Math.min(size === 0 ? Number.POSITIVE_INFINITY : size, b.length - at - 8)
      return byteRate > 0 ? (bytes / byteRate) * 1000 : undefined
    }
    at += 8 + size + (size & 1)
  }
  return undefined
}

function flacMs(b: Uint8Array): number | undefined {
  // STREAMINFO is the first metadata block: 20-bit rate, then a 36-bit sample count.
  if (b.length < 26 || (b[4] ?? 0) & 0x7f) return undefined
  const rate = ((b[18] ?? 0) << 12) | ((b[19] ?? 0) << 4) | ((b[20] ?? 0) >> 4)
  const high = (b[21] ?? 0) & 0x0f
  const low =
    (((b[22] ?? 0) << 24) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 8) | (b[25] ?? 0)) >>> 0
  const samples = high * 2 ** 32 + low
  return rate > 0 && samples > 0 ? (samples / rate) * 1000 : undefined
}

function oggMs(b: Uint8Array, view: DataView): number | undefined {
  // The first page's packet names the codec; the last page's granule is the sample count.
  const segments = b[26] ?? 0
  const packet = 27 + segments
  let rate: number
  let skip = 0
  if (ascii(b, packet, 8) === 'OpusHead') {
    rate = 48_000
    skip = view.getUint16(packet + 10, true)
  } else if (ascii(b, packet + 1, 6) === 'vorbis') {
    rate = view.getUint32(packet + 12, true)
  } else return undefined
  for (let at = b.length - 27; at >= 0; at--) {
    if (b[at] === 0x4f && ascii(b, at, 4) === 'OggS') {
      const granule = Number(view.getBigUint64(at + 6, true))
      return rate > 0 && granule > skip ? ((granule - skip) / rate) * 1000 : undefined
    }
  }
  return undefined
}

const MP3_RATES = [44_100, 48_000, 32_000]
const MP3_KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const MP3_KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

function mp3Start(b: Uint8Array): number {
  if (ascii(b, 0, 3) !== 'ID3') return 0
  // ID3v2 size: four 7-bit bytes, after the 10-byte header.
  const size =
    (((b[6] ?? 0) & 0x7f) << 21) |
    (((b[7] ?? 0) & 0x7f) << 14) |
    (((b[8] ?? 0) & 0x7f) << 7) |
    ((b[9] ?? 0) & 0x7f)
  return 10 + size
}

function mp3Ms(b: Uint8Array, view: DataView, at: number): number | undefined {
  if (at + 4 > b.length || b[at] !== 0xff || ((b[at + 1] ?? 0) & 0xe0) !== 0xe0) return undefined
  const h = view.getUint32(at)
  const version = (h >> 19) & 3 // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const layer = (h >> 17) & 3 // 1: Layer III
  const kbpsIndex = (h >> 12) & 15
  const rateIndex = (h >> 10) & 3
  if (version === 1 || layer !== 1 || rateIndex === 3 || kbpsIndex === 0 || kbpsIndex === 15) {
    return undefined
  }
  const rate = (MP3_RATES[rateIndex] ?? 0) / (version === 3 ? 1 : version === 2 ? 2 : 4)
  const kbps = (version === 3 ? MP3_KBPS_V1 : MP3_KBPS_V2)[kbpsIndex] ?? 0
  const samplesPerFrame = version === 3 ? 1152 : 576
  // A Xing/Info header (VBR) counts the frames; else the constant bitrate gives the length.
  const mono = ((h >> 6) & 3) === 3
  const side = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17
  const tag = at + 4 + side
  if (['Xing', 'Info'].includes(ascii(b, tag, 4)) && (view.getUint32(tag + 4) & 1) === 1) {
    return ((view.getUint32(tag + 8) * samplesPerFrame) / rate) * 1000
  }
  return (((b.length - at) * 8) / (kbps * 1000)) * 1000
}

/** The container of `b` from its first bytes, or undefined when it is no audio we take. */
export function sniffClip(b: Uint8Array): ClipFormat | undefined {
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE') return 'wav'
  if (ascii(b, 0, 4) === 'fLaC') return 'flac'
  if (ascii(b, 0, 4) === 'OggS') return 'ogg'
  const at = mp3Start(b)
  if (b[at] === 0xff && ((b[at + 1] ?? 0) & 0xe0) === 0xe0) return 'mp3'
  return undefined
}

/**
 * Checks a reference clip: audio by content, and a duration within bounds. Throws a 415
 * (not audio) or a 400 (unreadable length, too short, too long) naming what is allowed.
 *
 * @example
 * const { format, durationMs } = checkClip(new Uint8Array(await file.arrayBuffer()))
 */
export function checkClip(b: Uint8Array): ClipInfo {
  const format = sniffClip(b)
  if (!format) {
    throw new ProblemError(
      'unsupported_media_type',
      'the reference clip is not audio: send a WAV, MP3, Ogg (Opus or Vorbis) or FLAC file',
    )
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let ms: number | undefined
  try {
    ms =
      format === 'wav'
        ? wavMs(b, view)
        : format === 'flac'
          ? flacMs(b)
          : format === 'ogg'
            ? oggMs(b, view)
            : mp3Ms(b, view, mp3Start(b))
  } catch {
    ms = undefined // a header cut short
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new ProblemError(
      'invalid_request',
      `the reference clip's ${format.toUpperCase()} header does not give its length; send a whole, unbroken file`,
    )
  }
  if (ms < CLIP_MIN_MS || ms > CLIP_MAX_MS) {
    throw new ProblemError(
      'invalid_request',
      `the reference clip lasts ${(ms / 1000).toFixed(1)} s; it must last ${CLIP_MIN_MS / 1000} to ${CLIP_MAX_MS / 1000} s`,
      { details: { durationMs: Math.round(ms), minMs: CLIP_MIN_MS, maxMs: CLIP_MAX_MS } },
    )
  }
  return { format, durationMs: Math.round(ms) }
}
