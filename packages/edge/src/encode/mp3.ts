/**
 * @module mp3 — MP3 (LAME, the WebAssembly build of `wasm-media-encoders`) at 32 kbit/s CBR;
 * a 24 kHz input stays at 24 kHz, which makes MPEG-2 Layer III frames.
 *
 * Each LAME instance owns a 16 MB wasm memory and one encoder state, so instances are pooled:
 * one per concurrent stream, returned to the pool when a file ends. The wasm is compiled once
 * (it is imported as a module from `./assets`, see scripts/copy-wasm.mjs) and instantiated
 * lazily.
 */
import { createEncoder, type WasmMediaEncoder } from 'wasm-media-encoders/esnext'
import mp3Module from './assets/mp3.wasm'
import { checkPush, EncodeError } from './errors.ts'
import type { StreamingEncoder } from './streaming.ts'

/** Constant bit rate in kbit/s: 9 % of a 24 kHz 16-bit WAV, clear enough for speech. */
export const MP3_BITRATE = 32
/** Sample rates MPEG-1, -2 and -2.5 Layer III can carry; LAME resamples anything else. */
const MP3_SAMPLE_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const
type Mp3SampleRate = (typeof MP3_SAMPLE_RATES)[number]
/** Idle instances kept per isolate; more would only hold memory. */
const MAX_IDLE = 2

type Lame = WasmMediaEncoder<'audio/mpeg'>
const idle: Lame[] = []

async function acquire(): Promise<Lame> {
  const lame = idle.pop()
  if (lame) return lame
  try {
    return await createEncoder('audio/mpeg', mp3Module)
  } catch (cause) {
    throw new EncodeError('encode_failed', 'could not load the MP3 encoder', { cause })
  }
}

function release(lame: Lame): void {
  if (idle.length < MAX_IDLE) idle.push(lame)
}

const isMp3Rate = (rate: number): rate is Mp3SampleRate =>
  (MP3_SAMPLE_RATES as readonly number[]).includes(rate)

/**
 * A streaming MP3 encoder. Output is a plain sequence of MPEG audio frames (no ID3 tag), so
 * the bytes of every `push` can be sent at once and their concatenation is a valid file.
 *
 * @throws EncodeError (`invalid_audio`) for a channel count other than 1 or 2.
 * @example
 * const enc = await createMp3Encoder({ sampleRate: 24000, channels: 1 })
 * const bytes = [enc.push(pcm), enc.end()]
 */
export async function createMp3Encoder(options: {
  sampleRate: number
  channels: number
}): Promise<StreamingEncoder> {
  const { sampleRate, channels } = options
  if (channels !== 1 && channels !== 2) {
    throw new EncodeError('invalid_audio', `mp3 takes 1 or 2 channels, got ${channels}`)
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 192_000) {
    throw new EncodeError(
      'invalid_audio',
      `mp3 needs a whole sample rate from 8000 to 192000 Hz, got ${sampleRate}`,
    )
  }
  const lame = await acquire()
  try {
    lame.configure({
      sampleRate,
      channels,
      bitrate: MP3_BITRATE,
      ...(isMp3Rate(sampleRate) ? { outputSampleRate: sampleRate } : {}),
    })
  } catch (cause) {
    throw new EncodeError('encode_failed', 'could not configure the MP3 encoder', { cause })
  }
  let done = false
  const fail = (cause: unknown): never => {
    // A LAME state that failed is not trusted again: the instance is dropped, not pooled.
    done = true
    throw new EncodeError('encode_failed', 'the MP3 encoder failed', { cause })
  }
  return {
    push(pcm) {
      checkPush(done, pcm, channels)
      if (pcm.length === 0) return new Uint8Array(0)
      const frames = pcm.length / channels
      const planes = Array.from({ length: channels }, () => new Float32Array(frames))
      for (let c = 0; c < channels; c++) {
        const plane = planes[c] as Float32Array
        for (let i = 0; i < frames; i++) plane[i] = (pcm[i * channels + c] ?? 0) / 32768
      }
      try {
        // The encoder returns a view into its wasm memory, overwritten by the next call.
        return lame.encode(planes).slice()
      } catch (cause) {
        return fail(cause)
      }
    },
    end() {
      if (done) throw new EncodeError('encode_failed', 'end() after end() or abort()')
      let tail: Uint8Array<ArrayBuffer>
      try {
        tail = lame.finalize().slice()
      } catch (cause) {
        return fail(cause)
      }
      done = true
      release(lame)
      return tail
    },
    abort() {
      if (done) return
      done = true
      // configure() re-initialises the state, so an abandoned instance is safe to reuse.
      release(lame)
    },
  }
}
