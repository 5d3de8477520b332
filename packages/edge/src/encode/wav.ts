/**
 * @module encode/wav — `wav` (16-bit PCM in RIFF) and `pcm` (raw s16le at 24 kHz, as OpenAI
 * sends it) as streaming encoders. The WAV layout itself comes from `@tts/core/audio`.
 */
import { pcm16ToBytes, streamingWavHeader, XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { EncodeError } from './errors.ts'
import type { StreamingEncoder } from './streaming.ts'

/** OpenAI's `pcm` is 24 kHz mono-or-more s16le with no header, so the rate is fixed. */
const PCM_SAMPLE_RATE = XTTS_SAMPLE_RATE

function checkWholeFrames(pcm: Int16Array, channels: number): void {
  if (pcm.length % channels !== 0) {
    throw new EncodeError(
      'invalid_audio',
      `${pcm.length} samples do not make whole frames of ${channels} channels`,
    )
  }
}

function rawEncoder(channels: number, header: Uint8Array | undefined): StreamingEncoder {
  let headerSent = header === undefined
  let done = false
  const withHeader = (body: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
    if (headerSent || !header) return body
    headerSent = true
    const out = new Uint8Array(header.length + body.length)
    out.set(header)
    out.set(body, header.length)
    return out
  }
  return {
    push(pcm) {
      if (done) throw new EncodeError('encode_failed', 'push() after end() or abort()')
      checkWholeFrames(pcm, channels)
      return withHeader(pcm16ToBytes(pcm))
    },
    end() {
      if (done) throw new EncodeError('encode_failed', 'end() after end() or abort()')
      done = true
      return withHeader(new Uint8Array(0))
    },
    abort() {
      done = true
    },
  }
}

/**
 * A streaming WAV encoder: the header (sizes 0xFFFFFFFF) comes with the first bytes, then the
 * samples as they arrive.
 *
 * @example
 * const enc = createWavEncoder({ sampleRate: 24000, channels: 1 })
 */
export function createWavEncoder(format: {
  sampleRate: number
  channels: number
}): StreamingEncoder {
  let header: Uint8Array
  try {
    header = streamingWavHeader({ ...format, sizes: 'max' })
  } catch (cause) {
    throw new EncodeError(
      'invalid_audio',
      `wav cannot hold this audio: ${(cause as Error).message}`,
      {
        cause,
      },
    )
  }
  return rawEncoder(format.channels, header)
}

/**
 * A `pcm` encoder: the samples as s16le bytes, nothing else.
 *
 * @throws EncodeError (`invalid_audio`) unless the audio is 24 kHz.
 * @example
 * const enc = createPcmEncoder({ sampleRate: 24000, channels: 1 })
 */
export function createPcmEncoder(format: {
  sampleRate: number
  channels: number
}): StreamingEncoder {
  if (format.sampleRate !== PCM_SAMPLE_RATE) {
    throw new EncodeError(
      'invalid_audio',
      `pcm output is ${PCM_SAMPLE_RATE} Hz s16le (as OpenAI's), got ${format.sampleRate} Hz audio`,
    )
  }
  if (!Number.isInteger(format.channels) || format.channels < 1) {
    throw new EncodeError(
      'invalid_audio',
      `channels must be a whole number ≥ 1, got ${format.channels}`,
    )
  }
  return rawEncoder(format.channels, undefined)
}
