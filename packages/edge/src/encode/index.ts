/**
 * @module encode — turns 16-bit PCM from the upstream into the `response_format` a caller
 * asked for: `wav`, `pcm` (24 kHz s16le, as OpenAI), `mp3` (32 kbit/s), `opus` (Ogg Opus,
 * 24 kbit/s) or `flac` (lossless, our own encoder), whole or as a stream.
 *
 * Not offered: `aac`. No AAC encoder is known to run in workerd: the usable ones (FFmpeg's
 * `aac`, fdk-aac) come as multi-megabyte emscripten builds of FFmpeg that need threads or a
 * file system, and fdk-aac's licence is not open-source compatible; sending MP3 under that
 * name would be dishonest, so the route answers 400 saying so and listing `SUPPORTED_FORMATS`.
 */
import { writeWav } from '@tts/core/audio'
import { concatBytes } from '@tts/core/bytes'
import { EncodeError } from './errors.ts'
import { createFlacEncoder } from './flac.ts'
import { createMp3Encoder } from './mp3.ts'
import { createOggOpusEncoder } from './ogg-opus.ts'
import type { StreamingEncoder } from './streaming.ts'
import { createPcmEncoder, createWavEncoder } from './wav.ts'

export { EncodeError, type EncodeErrorCode } from './errors.ts'
export type { StreamingEncoder } from './streaming.ts'

/**
 * The `response_format` values the worker produces, OpenAI's default (`mp3`) first.
 *
 * @example
 * z.enum(SUPPORTED_FORMATS)
 */
export const SUPPORTED_FORMATS = ['mp3', 'opus', 'wav', 'pcm', 'flac'] as const

/** One of `SUPPORTED_FORMATS`. */
export type ResponseFormat = (typeof SUPPORTED_FORMATS)[number]

/**
 * The `Content-Type` of each format.
 *
 * @example
 * c.header('Content-Type', MIME_TYPES[format])
 */
export const MIME_TYPES: Readonly<Record<ResponseFormat, string>> = Object.freeze({
  mp3: 'audio/mpeg',
  opus: 'audio/ogg; codecs=opus',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
  flac: 'audio/flac',
})

/**
 * True when the worker can produce `format`.
 *
 * @example
 * if (!isSupportedFormat(body.response_format)) throw badFormat(body.response_format)
 */
export function isSupportedFormat(format: unknown): format is ResponseFormat {
  return typeof format === 'string' && (SUPPORTED_FORMATS as readonly string[]).includes(format)
}

/** What the PCM is and what to turn it into. */
export interface EncodeOptions {
  sampleRate: number
  channels: number
  format: ResponseFormat
}

function assertFormat(format: unknown): asserts format is ResponseFormat {
  if (!isSupportedFormat(format)) {
    throw new EncodeError(
      'unsupported_format',
      `response_format ${JSON.stringify(format)} is not supported; use one of ${SUPPORTED_FORMATS.join(', ')}`,
      { details: { supported: [...SUPPORTED_FORMATS] } },
    )
  }
}

/**
 * A streaming encoder for `format`: send what each `push` returns as soon as it returns, and
 * what `end` returns last; the bytes together form one valid file (a streamed WAV carries
 * 0xFFFFFFFF sizes). Call `abort` if the stream is abandoned, so the codec is released.
 * The codecs' WebAssembly is instantiated on first use and reused within the isolate.
 *
 * @throws EncodeError `unsupported_format`, or `invalid_audio` when the format cannot hold
 *   this audio (opus: 8/12/16/24/48 kHz; pcm: 24 kHz; mp3 and opus: 1 or 2 channels; flac: 1–8
 *   channels).
 * @example
 * const enc = await createEncoder('opus', { sampleRate: 24000, channels: 1 })
 * for await (const pcm of upstream) controller.enqueue(enc.push(pcm))
 * controller.enqueue(enc.end())
 */
export async function createEncoder(
  format: ResponseFormat,
  audio: { sampleRate: number; channels: number },
): Promise<StreamingEncoder> {
  assertFormat(format)
  const { sampleRate, channels } = audio
  switch (format) {
    case 'wav':
      return createWavEncoder({ sampleRate, channels })
    case 'pcm':
      return createPcmEncoder({ sampleRate, channels })
    case 'mp3':
      return createMp3Encoder({ sampleRate, channels })
    case 'opus':
      return createOggOpusEncoder({ sampleRate, channels })
    case 'flac':
      return createFlacEncoder({ sampleRate, channels })
  }
}

/**
 * The whole of `pcm` (interleaved 16-bit samples) as one file in `format`. A WAV gets exact
 * sizes in its header (unlike a streamed one).
 *
 * @throws EncodeError as `createEncoder` does.
 * @example
 * const mp3 = await encodeAudio(pcm, { sampleRate: 24000, channels: 1, format: 'mp3' })
 */
export async function encodeAudio(
  pcm: Int16Array,
  options: EncodeOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const { format, sampleRate, channels } = options
  assertFormat(format)
  if (format === 'wav') {
    try {
      // writeWav allocates a fresh ArrayBuffer; its declared type is only wider.
      return writeWav({ sampleRate, channels }, pcm) as Uint8Array<ArrayBuffer>
    } catch (cause) {
      throw new EncodeError(
        'invalid_audio',
        `wav cannot hold this audio: ${(cause as Error).message}`,
        {
          cause,
        },
      )
    }
  }
  const encoder = await createEncoder(format, { sampleRate, channels })
  try {
    const body = encoder.push(pcm)
    return concatBytes([body, encoder.end()])
  } catch (error) {
    encoder.abort()
    throw error
  }
}
