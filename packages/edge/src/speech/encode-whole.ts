/**
 * @module speech/encode-whole — one whole file from PCM pushed in runs (sentence chunks as
 * they arrive, or stored segments), without first joining all the samples: the streaming
 * encoder takes each run, and a WAV gets its exact sizes written in at the end.
 */
import { concatBytes } from '@tts/core/bytes'
import { createEncoder, type ResponseFormat, type StreamingEncoder } from '../encode/index.ts'
import { UpstreamError } from '../upstream/index.ts'

/** An encoder of one whole file. */
export interface WholeEncoder {
  /** Encodes a run; throws when its sample rate differs from the first run's. */
  push(pcm: Int16Array, sampleRate: number): Promise<void>
  /** The file (undefined when nothing was pushed). */
  end(): Uint8Array | undefined
  abort(): void
}

/** A streaming WAV header leaves the sizes open; a whole file states them. */
function fixWavSizes(wav: Uint8Array): void {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength)
  view.setUint32(4, wav.byteLength - 8, true)
  view.setUint32(40, wav.byteLength - 44, true)
}

/**
 * A whole-file encoder for `format` (mono).
 *
 * @example
 * const enc = wholeEncoder('mp3')
 * for (const s of segments) await enc.push(s.pcm, 24_000)
 * const bytes = enc.end()
 */
export function wholeEncoder(format: ResponseFormat): WholeEncoder {
  const out: Uint8Array[] = []
  let encoder: StreamingEncoder | undefined
  let rate: number | undefined
  return {
    async push(pcm, sampleRate) {
      if (rate === undefined) {
        rate = sampleRate
        encoder = await createEncoder(format, { sampleRate, channels: 1 })
      } else if (sampleRate !== rate) {
        throw new UpstreamError(
          'upstream_invalid_audio',
          'the upstream changed its sample rate between sentences',
        )
      }
      const bytes = (encoder as StreamingEncoder).push(pcm)
      if (bytes.byteLength > 0) out.push(bytes)
    },
    end() {
      if (!encoder) return undefined
      out.push(encoder.end())
      encoder = undefined
      const bytes = concatBytes(out)
      if (format === 'wav') fixWavSizes(bytes)
      return bytes
    },
    abort() {
      encoder?.abort()
      encoder = undefined
    },
  }
}
