/**
 * @module audio/test-wav — byte-by-byte WAV builders for this module's tests only (not
 * exported), so the parser is checked against headers we write by hand, not by `writeWav`.
 */

/** ASCII bytes of a four-character code. */
import { type AudioError, isAudioError } from './errors.ts'

export function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0))
}

/** Little-endian bytes of an unsigned 16- or 32-bit integer. */
export function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff]
}
export function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]
}

/** A chunk: id, size, body and the pad byte an odd size needs. */
export function chunk(id: string, body: ArrayLike<number>, size = body.length): number[] {
  return [...ascii(id), ...u32(size), ...Array.from(body), ...(body.length % 2 ? [0] : [])]
}

/** The body of a `fmt ` chunk. */
export function fmtBody(tag: number, channels: number, rate: number, bits: number): number[] {
  const align = (channels * bits) / 8
  return [
    ...u16(tag),
    ...u16(channels),
    ...u32(rate),
    ...u32(rate * align),
    ...u16(align),
    ...u16(bits),
  ]
}

/** RIFF/WAVE around the given chunks; `riffSize` defaults to the honest one. */
export function riff(chunks: number[][], riffSize?: number): Uint8Array {
  const body = chunks.flat()
  return new Uint8Array([
    ...ascii('RIFF'),
    ...u32(riffSize ?? 4 + body.length),
    ...ascii('WAVE'),
    ...body,
  ])
}

/** s16le bytes of the given integer samples. */
export function s16(samples: number[]): number[] {
  return samples.flatMap((s) => u16(s & 0xffff))
}

/** f32le bytes of the given float samples. */
export function f32(samples: number[]): number[] {
  const out = new Uint8Array(samples.length * 4)
  const view = new DataView(out.buffer)
  samples.forEach((s, i) => {
    view.setFloat32(i * 4, s, true)
  })
  return Array.from(out)
}

/** `seconds` of a 440 Hz tone at half scale, as integer samples. */
export function tone(seconds: number, rate = 24_000, amplitude = 0.5): number[] {
  return Array.from(
    { length: Math.round(seconds * rate) },
    (_, i) =>
      // `|| 0` turns -0 into 0, which Int16Array cannot hold apart.
      Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * amplitude * 32767) || 0,
  )
}

/** The `AudioError` that `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): AudioError {
  try {
    fn()
  } catch (e) {
    if (isAudioError(e)) return e
    throw e
  }
  throw new Error('expected an AudioError')
}
