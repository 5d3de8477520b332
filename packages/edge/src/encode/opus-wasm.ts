/**
 * @module opus-wasm — libopus (the WebAssembly build shipped by `@evan/opus`) instantiated once
 * per isolate, and a small encoder over it.
 *
 * `@evan/opus`'s own wrapper reads its wasm with `fs` and picks a SIMD build at run time, which
 * workerd cannot do; its wasm exports the plain libopus C API, so this module binds it directly
 * from a copy in `./assets` (see scripts/copy-wasm.mjs).
 */
import opusModule from './assets/opus.wasm'

/** The libopus exports this module relies on. */
export interface OpusExports {
  memory: WebAssembly.Memory
  _initialize(): void
  malloc(bytes: number): number
  free(ptr: number): void
  opus_strerror(code: number): number
  opus_encoder_get_size(channels: number): number
  opus_encoder_init(st: number, fs: number, channels: number, application: number): number
  opus_encode(st: number, pcm: number, frameSize: number, out: number, maxBytes: number): number
  opus_encoder_ctl_set(st: number, request: number, value: number): number
  opus_encoder_ctl_get(st: number, request: number): number
  opus_decoder_get_size(channels: number): number
  opus_decoder_init(st: number, fs: number, channels: number): number
  opus_decode(
    st: number,
    data: number,
    length: number,
    pcm: number,
    frameSize: number,
    fec: number,
  ): number
}

// libopus request and value constants (opus_defines.h).
const OPUS_APPLICATION_VOIP = 2048
const OPUS_SET_BITRATE = 4002
const OPUS_SET_SIGNAL = 4024
const OPUS_SIGNAL_VOICE = 3001
const OPUS_GET_LOOKAHEAD = 4027
/** Sample rates libopus encodes natively. */
export const OPUS_SAMPLE_RATES: readonly number[] = [8000, 12000, 16000, 24000, 48000]
// The largest packet libopus can emit for one frame is 1275 bytes per stream; 4000 is the
// buffer size its documentation recommends.
const MAX_PACKET_BYTES = 4000

let loading: Promise<OpusExports> | undefined

async function instantiate(): Promise<OpusExports> {
  const created = await WebAssembly.instantiate(opusModule, {
    wasi_snapshot_preview1: {
      fd_close: () => 0,
      fd_write: () => 0,
      fd_seek: () => 0,
      proc_exit: (code: number) => {
        throw new Error(`libopus exited with code ${code}`)
      },
    },
    env: { emscripten_notify_memory_growth: () => {} },
  })
  const exports = created.exports as unknown as OpusExports
  exports._initialize() // a WASI reactor: runs libopus's static constructors once
  return exports
}

/**
 * The isolate's libopus instance, created on first use. All encoders share it: each keeps its
 * state in its own `malloc`ed block, and calls never interleave (JS is single-threaded).
 *
 * @example
 * const opus = await loadOpus()
 */
export function loadOpus(): Promise<OpusExports> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined // let a later request try again
    throw error
  })
  return loading
}

/** Reads libopus's message for a negative return code. */
export function opusErrorText(opus: OpusExports, code: number): string {
  const bytes = new Uint8Array(opus.memory.buffer, opus.opus_strerror(code))
  const end = bytes.indexOf(0)
  return new TextDecoder().decode(bytes.subarray(0, Math.max(end, 0)))
}

/** Settings of `createOpusEncoder`. */
export interface OpusEncoderOptions {
  sampleRate: number
  channels: number
  /** Target bits per second. */
  bitrate: number
}

/** A libopus encoder for fixed-size frames of interleaved 16-bit samples. */
export interface OpusEncoder {
  /** Samples per channel libopus delays its output by, at the input sample rate. */
  readonly lookahead: number
  /** One Opus packet for exactly one frame (`frameSize` samples per channel). */
  encode(frame: Int16Array, frameSize: number): Uint8Array<ArrayBuffer>
  /** Frees the encoder's memory; it must not be used afterwards. */
  free(): void
}

/**
 * A speech-tuned (VOIP application, voice signal) libopus encoder.
 *
 * @throws Error when libopus rejects the settings.
 * @example
 * const enc = createOpusEncoder(await loadOpus(), { sampleRate: 24000, channels: 1, bitrate: 24000 })
 * const packet = enc.encode(frame, 480)
 */
export function createOpusEncoder(opus: OpusExports, options: OpusEncoderOptions): OpusEncoder {
  const { sampleRate, channels, bitrate } = options
  const state = opus.malloc(opus.opus_encoder_get_size(channels))
  const pcm = opus.malloc(48000 * 0.12 * channels * 2) // room for the longest Opus frame (120 ms)
  const out = opus.malloc(MAX_PACKET_BYTES)
  let freed = false
  const free = () => {
    if (freed) return
    freed = true
    opus.free(out)
    opus.free(pcm)
    opus.free(state)
  }
  const check = (code: number, what: string) => {
    if (code < 0) {
      free()
      throw new Error(`libopus ${what} failed: ${opusErrorText(opus, code)}`)
    }
    return code
  }
  if (state === 0 || pcm === 0 || out === 0) check(-7, 'malloc') // OPUS_ALLOC_FAIL
  check(opus.opus_encoder_init(state, sampleRate, channels, OPUS_APPLICATION_VOIP), 'init')
  check(opus.opus_encoder_ctl_set(state, OPUS_SET_BITRATE, bitrate), 'set bitrate')
  check(opus.opus_encoder_ctl_set(state, OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE), 'set signal')
  const lookahead = check(opus.opus_encoder_ctl_get(state, OPUS_GET_LOOKAHEAD), 'get lookahead')
  return {
    lookahead,
    encode(frame, frameSize) {
      if (freed) throw new Error('this Opus encoder was freed')
      // Views are made per call: a memory growth (another encoder's malloc) detaches old ones.
      new Int16Array(opus.memory.buffer, pcm, frame.length).set(frame)
      const bytes = check(opus.opus_encode(state, pcm, frameSize, out, MAX_PACKET_BYTES), 'encode')
      return new Uint8Array(opus.memory.buffer, out, bytes).slice()
    },
    free,
  }
}
