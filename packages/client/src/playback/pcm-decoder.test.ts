import { describe, expect, it } from 'vitest'
import { tinyWav } from '../../test/http-server.ts'
import { createPcmDecoder } from './pcm-decoder.ts'

const decodeIn = (bytes: Uint8Array, sizes: number[], rate: number) => {
  const d = createPcmDecoder('audio/wav', rate)
  const parts: number[] = []
  let at = 0
  for (let i = 0; at < bytes.byteLength; i++) {
    const n = sizes[i % sizes.length] as number
    parts.push(...d.push(bytes.subarray(at, at + n)))
    at += n
  }
  parts.push(...d.end())
  return { samples: parts, decoder: d }
}

describe('createPcmDecoder', () => {
  it('gives the same samples however the stream is cut, header and samples split anywhere', () => {
    const wav = tinyWav(100)
    const whole = decodeIn(wav, [wav.byteLength], 48_000).samples
    const odd = decodeIn(wav, [1, 3, 7, 44, 5], 48_000).samples
    expect(odd).toEqual(whole)
  })

  it('resamples 24 kHz to the output rate with the length the audio has there', () => {
    const wav = tinyWav(500) // 12 000 frames
    const { samples, decoder } = decodeIn(wav, [999], 48_000)
    expect(decoder.sourceRate).toBe(24_000)
    expect(decoder.sourceFrames).toBe(12_000)
    expect(Math.abs(samples.length - 24_000)).toBeLessThanOrEqual(2)
    const at44 = decodeIn(wav, [999], 44_100).samples.length
    expect(Math.abs(at44 - 22_050)).toBeLessThanOrEqual(2)
  })

  it('keeps the samples themselves at the same rate, and interpolates between them when upsampling', () => {
    const wav = tinyWav(50)
    const view = new DataView(wav.buffer)
    const source = Array.from({ length: 1200 }, (_, i) => view.getInt16(44 + i * 2, true) / 32768)
    const same = decodeIn(wav, [101], 24_000).samples
    expect(same.map((x) => Math.round(x * 32768))).toEqual(source.map((x) => Math.round(x * 32768)))
    const up = decodeIn(wav, [101], 48_000).samples
    expect(up[10]).toBeCloseTo(source[5] as number, 5)
    expect(up[11]).toBeCloseTo(((source[5] as number) + (source[6] as number)) / 2, 5)
  })

  it('refuses a stream that is not WAV', () => {
    expect(() => createPcmDecoder('audio/wav', 48_000).push(new Uint8Array(16))).toThrow(/RIFF/)
  })
})
