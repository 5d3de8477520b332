import { concatBytes } from '@tts/core/bytes'
import { describe, expect, it } from 'vitest'
import { createFlacEncoder, FLAC_BLOCK_SIZE } from './flac.ts'
import { decodeFlac } from './flac-decode.ts'
import { speechLike } from './speech-like.ts'

function encode(pcm: Int16Array, channels = 1, pieces = 1): Uint8Array {
  const enc = createFlacEncoder({ sampleRate: 24000, channels })
  const parts: Uint8Array[] = []
  const frames = pcm.length / channels
  const step = Math.ceil(frames / pieces) * channels
  for (let at = 0; at < pcm.length; at += step) parts.push(enc.push(pcm.subarray(at, at + step)))
  parts.push(enc.end())
  return concatBytes(parts)
}

function noise(n: number, seed: number): Int16Array {
  let state = seed
  return Int16Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) >>> 0
    return (state >>> 16) - 32768
  })
}

describe('the FLAC encoder', () => {
  it('is lossless on speech, writes STREAMINFO, and is much smaller than WAV', () => {
    const pcm = speechLike(3, 24000, 21)
    const file = encode(pcm)
    const decoded = decodeFlac(file)
    expect(decoded).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 })
    expect(decoded.frames).toBe(Math.ceil(pcm.length / FLAC_BLOCK_SIZE))
    expect(decoded.samples).toEqual(pcm)
    expect(file.length).toBeLessThan(pcm.length * 2 * 0.75)
  })

  it('round-trips silence, full-scale noise, extremes and a one-sample tail', () => {
    const cases = [
      new Int16Array(10_000),
      noise(9_000, 7),
      Int16Array.from({ length: 5000 }, (_, i) => (i % 2 ? 32767 : -32768)),
      Int16Array.from({ length: FLAC_BLOCK_SIZE + 1 }, (_, i) =>
        Math.round(8000 * Math.sin(i / 9)),
      ),
      new Int16Array([5]),
    ]
    for (const pcm of cases) expect(decodeFlac(encode(pcm)).samples).toEqual(pcm)
  })

  it('gives the same file however the PCM is chunked, sending frames as they fill', () => {
    const pcm = speechLike(2, 24000, 22)
    const whole = encode(pcm)
    expect(encode(pcm, 1, 7)).toEqual(whole)
    expect(encode(pcm, 1, 301)).toEqual(whole)
    const enc = createFlacEncoder({ sampleRate: 24000, channels: 1 })
    expect(enc.push(pcm.subarray(0, 100)).length).toBe(42) // header at once, no frame yet
    expect(enc.push(pcm.subarray(100, FLAC_BLOCK_SIZE + 100)).length).toBeGreaterThan(100)
  })

  it('keeps stereo channels apart', () => {
    const left = speechLike(1, 24000, 23)
    const right = noise(left.length, 3)
    const pcm = new Int16Array(left.length * 2)
    left.forEach((v, i) => {
      pcm[2 * i] = v
      pcm[2 * i + 1] = right[i] ?? 0
    })
    const decoded = decodeFlac(encode(pcm, 2, 3))
    expect(decoded.channels).toBe(2)
    expect(decoded.samples).toEqual(pcm)
  })

  it('refuses what FLAC cannot hold and use after end', () => {
    expect(() => createFlacEncoder({ sampleRate: 24000, channels: 9 })).toThrow(/1 to 8 channels/)
    expect(() => createFlacEncoder({ sampleRate: 2 ** 20, channels: 1 })).toThrow(/sample rate/)
    const enc = createFlacEncoder({ sampleRate: 24000, channels: 2 })
    expect(() => enc.push(new Int16Array(3))).toThrow(/whole frames of 2 channels/)
    enc.end()
    expect(() => enc.end()).toThrow(/after end/)
  })
})
