/**
 * @module audio/wav-write — the canonical 44-byte header of 16-bit PCM WAV (sized, or streamed
 * with placeholder sizes) and whole files around samples or raw s16le bytes. Parsing lives in
 * `wav.ts`; the layout is small enough that a library would add more than it saves.
 */
import { concatBytes } from '../bytes/index.ts'
import { AudioError } from './errors.ts'
import { type AudioFormat, assertFormat, frameBytes } from './format.ts'
import { pcm16ToBytes } from './pcm.ts'

const FORMAT_PCM = 1
/** The largest size a RIFF field holds: "until the end of the stream" to most readers. */
const MAX_SIZE = 0xffffffff

/** Options of `wavHeader`. */
export interface WavHeaderOptions {
  sampleRate: number
  channels: number
  /**
   * Bytes of PCM that follow. Leave out and both sizes are 0, a placeholder `parseWav` reads as
   * "to the end"; `streamingWavHeader` writes the exact forms XTTS and players expect.
   */
  dataBytes?: number
}

/** Length of the canonical header `wavHeader` writes. */
export const WAV_HEADER_BYTES = 44

/**
 * The canonical 44-byte header of a 16-bit PCM WAV. Without `dataBytes` the RIFF and data
 * sizes are 0, a placeholder for a stream whose length is not known.
 *
 * @example
 * const head = wavHeader({ sampleRate: 24000, channels: 1 }) // then stream s16le chunks
 */
export function wavHeader(options: WavHeaderOptions): Uint8Array<ArrayBuffer> {
  const { sampleRate, channels, dataBytes } = options
  assertFormat({ sampleRate, channels, encoding: 'pcm16' })
  if (
    dataBytes !== undefined &&
    (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > 0xffffffff - 36)
  ) {
    throw new AudioError(
      'invalid_argument',
      `dataBytes must be a whole number from 0 to ${0xffffffff - 36}, got ${dataBytes}`,
    )
  }
  const header = new Uint8Array(WAV_HEADER_BYTES)
  const view = new DataView(header.buffer)
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) view.setUint8(at + i, s.charCodeAt(i))
  }
  ascii(0, 'RIFF')
  view.setUint32(4, dataBytes === undefined ? 0 : 36 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, FORMAT_PCM, true)
  view.setUint16(22, channels, true)
  view.setUint32(24, sampleRate, true)
  view.setUint32(28, sampleRate * channels * 2, true)
  view.setUint16(32, channels * 2, true)
  view.setUint16(34, 16, true)
  ascii(36, 'data')
  view.setUint32(40, dataBytes ?? 0, true)
  return header
}

/**
 * A complete 16-bit PCM WAV of interleaved samples.
 *
 * @throws AudioError when the sample count is not a whole number of frames.
 * @example
 * const wav = writeWav({ sampleRate: 24000, channels: 1 }, toPcm16(parsed))
 */
export function writeWav(
  format: Pick<AudioFormat, 'sampleRate' | 'channels'>,
  pcm: Int16Array,
): Uint8Array<ArrayBuffer> {
  if (pcm.length % format.channels !== 0) {
    throw new AudioError(
      'partial_frame',
      `${pcm.length} samples do not make whole frames of ${format.channels} channels`,
    )
  }
  return concatBytes([wavHeader({ ...format, dataBytes: pcm.length * 2 }), pcm16ToBytes(pcm)])
}

/**
 * A complete 16-bit PCM WAV around raw s16le bytes (an OpenAI-style `pcm` answer), so a player
 * that only knows containers can play them. The bytes are copied.
 *
 * @throws AudioError (`partial_frame`) when the bytes are not whole frames of `channels`.
 * @example
 * const wav = wavFromPcmBytes(XTTS_FORMAT, new Uint8Array(await res.arrayBuffer()))
 */
export function wavFromPcmBytes(
  format: Pick<AudioFormat, 'sampleRate' | 'channels'>,
  bytes: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const frame = frameBytes({ ...format, encoding: 'pcm16' })
  if (bytes.byteLength % frame !== 0) {
    throw new AudioError(
      'partial_frame',
      `${bytes.byteLength} bytes of s16le are not whole ${frame}-byte frames of ${format.channels} channel(s)`,
    )
  }
  return concatBytes([wavHeader({ ...format, dataBytes: bytes.byteLength }), bytes])
}

/** What a streamed header carries where its two sizes belong. */
export type StreamedWavSizes = 'xtts' | 'max'

/** Options of `streamingWavHeader`. */
export interface StreamingWavHeaderOptions {
  sampleRate: number
  channels: number
  /**
   * `'xtts'` (default): RIFF size 36 and data size 0, byte for byte what xtts-streaming-server
   * sends first on `/tts_stream` (Python's `wave` module writing a file of no frames).
   * `'max'`: both 0xFFFFFFFF, the usual "until the end of the stream" marker; browsers' and
   * ffmpeg's demuxers read on to the end, while some players take a size of 0 for an empty file.
   */
  sizes?: StreamedWavSizes
}

/**
 * The header of a 16-bit PCM WAV whose length is not known yet, to be followed by s16le chunks.
 * `parseWav` reads both forms as `streamed`, taking the data to the end of the bytes.
 *
 * @example
 * const head = streamingWavHeader({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 }) // as XTTS
 * const open = streamingWavHeader({ sampleRate: 24000, channels: 1, sizes: 'max' }) // for players
 */
export function streamingWavHeader(options: StreamingWavHeaderOptions): Uint8Array<ArrayBuffer> {
  const { sizes = 'xtts', ...format } = options
  if (sizes === 'xtts') return wavHeader({ ...format, dataBytes: 0 })
  if (sizes !== 'max') {
    throw new AudioError('invalid_argument', `sizes is ${String(sizes)}; allowed: 'xtts', 'max'`)
  }
  const header = wavHeader(format)
  const view = new DataView(header.buffer)
  view.setUint32(4, MAX_SIZE, true)
  view.setUint32(40, MAX_SIZE, true)
  return header
}
