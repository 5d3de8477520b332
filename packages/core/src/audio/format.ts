/**
 * @module audio/format — sample formats, the XTTS output format and durations.
 */
import { AudioError } from './errors.ts'

/** How samples are stored: signed 16-bit little-endian integers or 32-bit IEEE floats. */
export type SampleEncoding = 'pcm16' | 'float32'

/** What a PCM stream needs to be understood. */
export interface AudioFormat {
  sampleRate: number
  channels: number
  encoding: SampleEncoding
}

/** Raw PCM bytes with their format (what `parseWav` returns and `concatPcm` joins). */
export interface PcmAudio extends AudioFormat {
  /** Interleaved little-endian samples. */
  data: Uint8Array
}

/** XTTS-v2 (and our emulator) speaks 24 kHz mono s16le. */
export const XTTS_SAMPLE_RATE = 24_000
/** XTTS-v2 output is mono. */
export const XTTS_CHANNELS = 1
/** XTTS-v2 output is 16-bit. */
export const XTTS_BITS_PER_SAMPLE = 16

/**
 * The format XTTS-v2 streams, and the edge's `pcm` response format.
 *
 * @example
 * writeWav(XTTS_FORMAT, samples)
 */
export const XTTS_FORMAT: Readonly<AudioFormat> = Object.freeze({
  sampleRate: XTTS_SAMPLE_RATE,
  channels: XTTS_CHANNELS,
  encoding: 'pcm16',
})

/**
 * Bytes per sample of one channel.
 *
 * @example
 * bytesPerSample('pcm16') // 2
 */
export function bytesPerSample(encoding: SampleEncoding): number {
  return encoding === 'pcm16' ? 2 : 4
}

/**
 * Bytes per frame (one sample for every channel).
 *
 * @example
 * frameBytes(XTTS_FORMAT) // 2
 */
export function frameBytes(format: AudioFormat): number {
  return bytesPerSample(format.encoding) * format.channels
}

/**
 * Duration in milliseconds of whole frames: of `audio.data`, or of `byteLength` bytes.
 * A trailing partial frame is not audio, so it does not count.
 *
 * @example
 * durationMs(XTTS_FORMAT, 48_000) // 1000
 * durationMs(parseWav(bytes))
 */
export function durationMs(audio: PcmAudio): number
export function durationMs(format: AudioFormat, byteLength: number): number
export function durationMs(format: AudioFormat | PcmAudio, byteLength?: number): number {
  const bytes = byteLength ?? ('data' in format ? format.data.byteLength : undefined)
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    throw new AudioError(
      'invalid_argument',
      `durationMs needs a byte length of 0 or more (or audio with data), got ${String(bytes)}`,
    )
  }
  assertFormat(format)
  return (Math.floor(bytes / frameBytes(format)) * 1000) / format.sampleRate
}

/** Sample rates we accept: telephone 8 kHz up to 384 kHz studio rates. */
export const SAMPLE_RATE_RANGE = [1_000, 384_000] as const
/** Channel counts we accept. */
export const CHANNELS_RANGE = [1, 16] as const

/**
 * Throws an `AudioError` naming the field when a format is outside what we handle.
 *
 * @example
 * assertFormat({ sampleRate: 24000, channels: 1, encoding: 'pcm16' })
 */
export function assertFormat(format: AudioFormat): void {
  const { sampleRate, channels, encoding } = format
  if (
    !Number.isInteger(sampleRate) ||
    sampleRate < SAMPLE_RATE_RANGE[0] ||
    sampleRate > SAMPLE_RATE_RANGE[1]
  ) {
    throw new AudioError(
      'unsupported_format',
      `sample rate ${sampleRate} Hz is not supported; allowed: whole numbers from ${SAMPLE_RATE_RANGE[0]} to ${SAMPLE_RATE_RANGE[1]} Hz`,
      { sampleRate },
    )
  }
  if (!Number.isInteger(channels) || channels < CHANNELS_RANGE[0] || channels > CHANNELS_RANGE[1]) {
    throw new AudioError(
      'unsupported_format',
      `${channels} channels is not supported; allowed: ${CHANNELS_RANGE[0]} to ${CHANNELS_RANGE[1]}`,
      { channels },
    )
  }
  if (encoding !== 'pcm16' && encoding !== 'float32') {
    throw new AudioError(
      'unsupported_format',
      `sample encoding ${String(encoding)} is not supported; allowed: pcm16, float32`,
      { encoding },
    )
  }
}

/**
 * A short human description of a format, for error messages.
 *
 * @example
 * describeFormat(XTTS_FORMAT) // '24000 Hz, 1 channel, pcm16'
 */
export function describeFormat(format: AudioFormat): string {
  const ch = format.channels === 1 ? '1 channel' : `${format.channels} channels`
  return `${format.sampleRate} Hz, ${ch}, ${format.encoding}`
}
