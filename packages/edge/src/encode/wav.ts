/**
 * @module encode/wav — `wav` (16-bit PCM in RIFF) and `pcm` (raw s16le at 24 kHz, as OpenAI
 * sends it) as streaming encoders. The WAV layout itself comes from `@tts/core/audio`.
 */
import { wavHeader } from '@tts/core/audio'
import { EncodeError } from './errors.ts'
import type { StreamingEncoder } from './streaming.ts'

/** OpenAI's `pcm` is 24 kHz mono-or-more s16le with no header, so the rate is fixed. */
export const PCM_SAMPLE_RATE = 24_000

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Little-endian bytes of `pcm`, copied (the caller may reuse its buffer). */
export function pcmBytes(pcm: Int16Array): Uint8Array<ArrayBuffer> {
  if (littleEndian) return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength).slice()
  const out = new Uint8Array(pcm.length * 2)
  const view = new DataView(out.buffer)
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] ?? 0, true)
  return out
}

/**
 * The header of a WAV whose length is not known yet. Both sizes are 0xFFFFFFFF, the usual
 * "until the end of the stream" marker: players (browsers' and ffmpeg's demuxers) read on to
 * the end, while a size of 0 can be taken for an empty file.
 *
 * @example
 * const head = streamingWavHeader({ sampleRate: 24000, channels: 1 })
 */
export function streamingWavHeader(format: { sampleRate: number; channels: number }): Uint8Array {
  const header = wavHeader(format)
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
  view.setUint32(4, 0xffffffff, true)
  view.setUint32(40, 0xffffffff, true)
  return header
}

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
      return withHeader(pcmBytes(pcm))
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
    header = streamingWavHeader(format)
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
