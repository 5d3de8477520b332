import { describe, expect, it } from 'vitest'
import { createMp3Encoder } from './mp3.ts'
import { speechLike } from './speech-like.ts'

// MPEG audio frame headers read from the standard (ISO 11172-3 / 13818-3), not from LAME.
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
const RATES_V2 = [22050, 24000, 16000]

interface Frame {
  offset: number
  bitrate: number
  sampleRate: number
  mode: number
  length: number
}

function readMp3Frames(file: Uint8Array): Frame[] {
  const frames: Frame[] = []
  let at = 0
  while (at < file.length) {
    const b1 = file[at + 1] ?? 0
    const b2 = file[at + 2] ?? 0
    const b3 = file[at + 3] ?? 0
    expect(file[at], `sync at ${at}`).toBe(0xff)
    expect(b1 & 0xe0, `sync at ${at}`).toBe(0xe0)
    expect((b1 >> 3) & 0b11, 'MPEG-2').toBe(0b10)
    expect((b1 >> 1) & 0b11, 'Layer III').toBe(0b01)
    const bitrate = BITRATES_V2_L3[b2 >> 4] ?? -1
    const sampleRate = RATES_V2[(b2 >> 2) & 0b11] ?? -1
    const padding = (b2 >> 1) & 1
    // MPEG-2 Layer III: 576 samples a frame, so 72 × bitrate / rate bytes (+1 when padded).
    const length = Math.floor((72_000 * bitrate) / sampleRate) + padding
    frames.push({ offset: at, bitrate, sampleRate, mode: b3 >> 6, length })
    expect(length).toBeGreaterThan(4)
    at += length
  }
  expect(at, 'the last frame ends exactly at the end of the file').toBe(file.length)
  return frames
}

async function encode(pcm: Int16Array, pieces = 1): Promise<Uint8Array> {
  const enc = await createMp3Encoder({ sampleRate: 24000, channels: 1 })
  const parts: Uint8Array[] = []
  const step = Math.ceil(pcm.length / pieces)
  for (let at = 0; at < pcm.length; at += step) parts.push(enc.push(pcm.subarray(at, at + step)))
  parts.push(enc.end())
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

describe('MP3 encoder', () => {
  it('writes MPEG-2 Layer III frames at 24 kHz, 32 kbit/s mono, as many as the audio lasts', async () => {
    const pcm = speechLike(10, 24000)
    const file = await encode(pcm)
    const frames = readMp3Frames(file)
    for (const f of frames) {
      expect(f.bitrate).toBe(32)
      expect(f.sampleRate).toBe(24000)
      expect(f.mode).toBe(0b11) // single channel
    }
    // 10 s / 576 samples ≈ 417 frames, plus LAME's encoder delay and final padding.
    const expected = pcm.length / 576
    expect(frames.length).toBeGreaterThanOrEqual(Math.floor(expected))
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(expected) + 3)
    const ratio = file.length / (44 + pcm.length * 2)
    expect(ratio).toBeGreaterThan(0.08)
    expect(ratio).toBeLessThan(0.1)
  })

  it('streams: pieces of a push sequence join into the same valid file', async () => {
    const pcm = speechLike(4.2, 24000, 5)
    const streamed = await encode(pcm, 17)
    const whole = await encode(pcm)
    expect(readMp3Frames(streamed).length).toBe(readMp3Frames(whole).length)
    // LAME is deterministic: chunking must not change a single byte.
    expect(streamed).toEqual(whole)
  })

  it('reuses pooled instances without leaking state between files', async () => {
    const a = await encode(speechLike(1, 24000, 9))
    const aborted = await createMp3Encoder({ sampleRate: 24000, channels: 1 })
    aborted.push(speechLike(0.5, 24000, 2))
    aborted.abort()
    const again = await encode(speechLike(1, 24000, 9))
    expect(again).toEqual(a)
  })

  it('refuses bad channel counts and partial frames', async () => {
    await expect(createMp3Encoder({ sampleRate: 24000, channels: 3 })).rejects.toThrow(/1 or 2/)
    const stereo = await createMp3Encoder({ sampleRate: 24000, channels: 2 })
    expect(() => stereo.push(new Int16Array(3))).toThrow(/whole frames of 2 channels/)
    stereo.abort()
  })
})
