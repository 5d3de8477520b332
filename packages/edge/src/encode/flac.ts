/**
 * @module encode/flac — `flac`: lossless FLAC of 16-bit PCM, as a streaming encoder.
 *
 * Our own, small encoder rather than a library: the maintained FLAC encoders for JavaScript
 * are emscripten builds of libFLAC (`libflacjs`, ~1 MB of asm.js/wasm that needs a loader
 * patched for workerd) or native Node bindings, none of which runs in a Worker as is. FLAC's
 * fixed predictors (orders 0–4) with partitioned Rice coding need ~250 lines and get most of
 * libFLAC's ratio on speech (`flac -0` uses the same tools); LPC would gain a few per cent more.
 *
 * Stream layout: `fLaC`, one STREAMINFO block, then frames of 4096 samples per channel (the
 * last one shorter). The header goes out before the audio is known, so STREAMINFO carries
 * 0 ("unknown") for the total sample count, the frame sizes and the MD5 signature, as the
 * format allows for streams; decoders (`flac -t`, ffmpeg, browsers) read such files.
 */
import { concatSamples } from '@tts/core/audio'
import { checkPush, EncodeError } from './errors.ts'
import { BitWriter, crc8, crc16 } from './flac-bits.ts'
import type { StreamingEncoder } from './streaming.ts'

/** Samples per channel in each frame (libFLAC's default for 16-bit audio). */
export const FLAC_BLOCK_SIZE = 4096
const BITS = 16
const MAX_RICE = 14 // 15 is the escape code of the 4-bit Rice parameter
const MAX_PARTITION_ORDER = 6

/** The `fLaC` marker and the STREAMINFO block. */
function streamHeader(sampleRate: number, channels: number): Uint8Array<ArrayBuffer> {
  const w = new BitWriter(64)
  for (const c of 'fLaC') w.write(c.charCodeAt(0), 8)
  w.write(1, 1) // last metadata block
  w.write(0, 7) // STREAMINFO
  w.write(34, 24)
  w.write(FLAC_BLOCK_SIZE, 16) // minimum block size
  w.write(FLAC_BLOCK_SIZE, 16) // maximum block size
  w.write(0, 24) // minimum frame size: unknown
  w.write(0, 24) // maximum frame size: unknown
  w.write(sampleRate, 20)
  w.write(channels - 1, 3)
  w.write(BITS - 1, 5)
  w.write(0, 4) // total samples (36 bits): unknown
  w.writeWide(0, 32)
  for (let i = 0; i < 16; i++) w.write(0, 8) // MD5: unset
  return w.bytes()
}

/** A frame number in FLAC's UTF-8-like coding. */
function writeFrameNumber(w: BitWriter, n: number): void {
  if (n < 0x80) {
    w.write(n, 8)
    return
  }
  let bytes = 2
  while (n >= 2 ** (5 * bytes + 1)) bytes++
  const payload = 6 * (bytes - 1)
  const lead = (0xff << (8 - bytes)) & 0xff
  w.write(lead | Math.floor(n / 2 ** payload), 8)
  for (let i = bytes - 2; i >= 0; i--) w.write(0x80 | (Math.floor(n / 2 ** (6 * i)) & 0x3f), 8)
}

/** Residuals of the fixed predictor of `order` (FLAC's polynomial predictors 0–4). */
function fixedResidual(x: Int32Array, order: number): Int32Array {
  const n = x.length
  const r = new Int32Array(Math.max(0, n - order))
  for (let i = order; i < n; i++) {
    const a = x[i] ?? 0
    const b = x[i - 1] ?? 0
    const c = x[i - 2] ?? 0
    const d = x[i - 3] ?? 0
    const e = x[i - 4] ?? 0
    r[i - order] =
      order === 0
        ? a
        : order === 1
          ? a - b
          : order === 2
            ? a - 2 * b + c
            : order === 3
              ? a - 3 * b + 3 * c - d
              : a - 4 * b + 6 * c - 4 * d + e
  }
  return r
}

const fold = (v: number) => (v >= 0 ? 2 * v : -2 * v - 1)

/** The cheapest Rice parameter for `u[from..to)` and its cost in bits. */
function bestRice(u: Uint32Array, from: number, to: number): { k: number; bits: number } {
  let sum = 0
  for (let i = from; i < to; i++) sum += u[i] ?? 0
  const n = to - from
  const guess = n === 0 || sum <= n ? 0 : Math.min(MAX_RICE, Math.floor(Math.log2(sum / n)))
  let best = { k: 0, bits: Number.POSITIVE_INFINITY }
  for (let k = Math.max(0, guess - 1); k <= Math.min(MAX_RICE, guess + 1); k++) {
    let bits = n * (k + 1)
    for (let i = from; i < to; i++) bits += (u[i] ?? 0) >>> k
    if (bits < best.bits) best = { k, bits }
  }
  return best
}

interface RicePlan {
  order: number
  params: number[]
  bits: number
}

/** The partition order and Rice parameters that code `u` (residuals after `predOrder`) best. */
function planRice(u: Uint32Array, blockSize: number, predOrder: number): RicePlan {
  let best: RicePlan = { order: 0, params: [], bits: Number.POSITIVE_INFINITY }
  for (let p = 0; p <= MAX_PARTITION_ORDER; p++) {
    const parts = 1 << p
    if (blockSize % parts !== 0 || blockSize / parts <= predOrder) break
    const size = blockSize / parts
    const params: number[] = []
    let bits = 0
    for (let i = 0; i < parts; i++) {
      const from = i === 0 ? 0 : i * size - predOrder
      const { k, bits: b } = bestRice(u, from, (i + 1) * size - predOrder)
      params.push(k)
      bits += 4 + b
    }
    if (bits < best.bits) best = { order: p, params, bits }
  }
  return best
}

/** One channel's subframe: constant, fixed-predicted or verbatim, whichever is smallest. */
function writeSubframe(w: BitWriter, x: Int32Array): void {
  const n = x.length
  if (x.every((v) => v === x[0])) {
    w.write(0, 8) // pad, type 000000 (constant), no wasted bits
    w.write(x[0] ?? 0, BITS)
    return
  }
  let order = 0
  let least = Number.POSITIVE_INFINITY
  for (let o = 0; o <= Math.min(4, n - 1); o++) {
    let total = 0
    for (const v of fixedResidual(x, o)) total += Math.abs(v)
    if (total < least) [least, order] = [total, o]
  }
  const residual = fixedResidual(x, order)
  const u = new Uint32Array(residual.length)
  for (let i = 0; i < residual.length; i++) u[i] = fold(residual[i] ?? 0)
  const plan = planRice(u, n, order)
  if (order * BITS + 6 + plan.bits >= n * BITS) {
    w.write(0b00000010, 8) // verbatim
    for (const v of x) w.write(v, BITS)
    return
  }
  w.write(0b00010000 | (order << 1), 8) // fixed predictor of `order`
  for (let i = 0; i < order; i++) w.write(x[i] ?? 0, BITS)
  w.write(0, 2) // Rice coding, 4-bit parameters
  w.write(plan.order, 4)
  const size = n >> plan.order
  let at = 0
  plan.params.forEach((k, i) => {
    w.write(k, 4)
    const end = (i + 1) * size - order
    for (; at < end; at++) {
      const v = u[at] ?? 0
      w.unary(v >>> k)
      w.write(v, k)
    }
  })
}

/** One frame of `count` samples per channel from interleaved `pcm`. */
function writeFrame(
  w: BitWriter,
  pcm: Int16Array,
  channels: number,
  count: number,
  frameNumber: number,
): void {
  const start = w.byteLength
  w.write(0b11111111111110, 14) // sync
  w.write(0, 1) // reserved
  w.write(0, 1) // fixed block size
  w.write(0b0111, 4) // block size: 16 bits at the end of the header
  w.write(0b0000, 4) // sample rate: from STREAMINFO
  w.write(channels - 1, 4) // independent channels
  w.write(0b100, 3) // 16 bits per sample
  w.write(0, 1) // reserved
  writeFrameNumber(w, frameNumber)
  w.write(count - 1, 16)
  w.write(crc8(w.view(start)), 8)
  for (let ch = 0; ch < channels; ch++) {
    const x = new Int32Array(count)
    for (let i = 0; i < count; i++) x[i] = pcm[i * channels + ch] ?? 0
    writeSubframe(w, x)
  }
  w.align()
  w.write(crc16(w.view(start)), 16)
}

/**
 * A streaming FLAC encoder for 16-bit interleaved PCM (1–8 channels, 1 Hz–655,350 Hz):
 * `push` returns the header and every whole frame so far, `end` the last, shorter frame.
 *
 * @example
 * const enc = createFlacEncoder({ sampleRate: 24000, channels: 1 })
 * const file = concatBytes([enc.push(pcm), enc.end()])
 */
export function createFlacEncoder(format: {
  sampleRate: number
  channels: number
}): StreamingEncoder {
  const { sampleRate, channels } = format
  if (!Number.isInteger(channels) || channels < 1 || channels > 8)
    throw new EncodeError('invalid_audio', `flac holds 1 to 8 channels, not ${channels}`)
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate >= 2 ** 20)
    throw new EncodeError('invalid_audio', `flac cannot hold a sample rate of ${sampleRate} Hz`)
  const frameSamples = FLAC_BLOCK_SIZE * channels
  let pending = new Int16Array(0)
  let header: Uint8Array<ArrayBuffer> | undefined = streamHeader(sampleRate, channels)
  let frames = 0
  let done = false
  const flush = (final: boolean): Uint8Array<ArrayBuffer> => {
    const w = new BitWriter(pending.length * 2 + 64)
    if (header) {
      for (const b of header) w.write(b, 8)
      header = undefined
    }
    let at = 0
    while (pending.length - at >= frameSamples || (final && pending.length > at)) {
      const count = Math.min(FLAC_BLOCK_SIZE, (pending.length - at) / channels)
      writeFrame(w, pending.subarray(at), channels, count, frames++)
      at += count * channels
    }
    pending = pending.slice(at)
    return w.bytes()
  }
  return {
    push(pcm) {
      checkPush(done, pcm, channels)
      pending = concatSamples([pending, pcm])
      return flush(false)
    },
    end() {
      if (done) throw new EncodeError('encode_failed', 'end() after end() or abort()')
      done = true
      return flush(true)
    },
    abort() {
      done = true
      pending = new Int16Array(0)
    },
  }
}
