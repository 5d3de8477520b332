import { isTtsError } from '@tts/core/errors'
import { describe, expect, it } from 'vitest'
import { encodeAudio } from '../encode/index.ts'
import { speechLike } from '../encode/speech-like.ts'
import { CLIP_MAX_MS, checkClip, sniffClip } from './clip.ts'

const at24k = (seconds: number) => speechLike(seconds, 24_000)

/** A FLAC file's head: magic and a STREAMINFO block for `samples` at `rate` (frames omitted). */
function flacHead(rate: number, samples: number): Uint8Array {
  const b = new Uint8Array(42)
  b.set([0x66, 0x4c, 0x61, 0x43]) // fLaC
  b.set([0x80, 0, 0, 34], 4) // last block, STREAMINFO, 34 bytes
  b[18] = (rate >> 12) & 0xff
  b[19] = (rate >> 4) & 0xff
  b[20] = ((rate & 0x0f) << 4) | (0 << 1) // mono
  b[21] = (15 << 4) | Math.floor(samples / 2 ** 32) // 16-bit
  new DataView(b.buffer).setUint32(22, samples >>> 0)
  return b
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return isTtsError(error) ? error.code : 'not a TtsError'
  }
  return undefined
}

describe('checkClip', () => {
  it('reads the format from the content and the length from the header of WAV, MP3, Ogg and FLAC', async () => {
    const pcm = at24k(3)
    const wav = await encodeAudio(pcm, { format: 'wav', sampleRate: 24_000, channels: 1 })
    const mp3 = await encodeAudio(pcm, { format: 'mp3', sampleRate: 24_000, channels: 1 })
    const ogg = await encodeAudio(pcm, { format: 'opus', sampleRate: 24_000, channels: 1 })
    expect(checkClip(wav)).toEqual({ format: 'wav', durationMs: 3000 })
    const fromMp3 = checkClip(mp3)
    expect(fromMp3.format).toBe('mp3')
    expect(Math.abs(fromMp3.durationMs - 3000)).toBeLessThan(150)
    const fromOgg = checkClip(ogg)
    expect(fromOgg.format).toBe('ogg')
    expect(Math.abs(fromOgg.durationMs - 3000)).toBeLessThan(30)
    expect(checkClip(flacHead(44_100, 44_100 * 4))).toEqual({ format: 'flac', durationMs: 4000 })
  })

  it('refuses what is not audio (415), whatever its name said, and lengths out of bounds (400)', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4])
    expect(sniffClip(png)).toBeUndefined()
    expect(codeOf(() => checkClip(png))).toBe('unsupported_media_type')
    expect(codeOf(() => checkClip(new TextEncoder().encode('{"wav": "no"}')))).toBe(
      'unsupported_media_type',
    )
    const short = await encodeAudio(at24k(0.4), { format: 'wav', sampleRate: 24_000, channels: 1 })
    expect(codeOf(() => checkClip(short))).toBe('invalid_request')
    const long = flacHead(48_000, 48_000 * (CLIP_MAX_MS / 1000 + 1))
    expect(codeOf(() => checkClip(long))).toBe('invalid_request')
    // A WAV cut inside its header gives no length.
    const wav = await encodeAudio(at24k(2), { format: 'wav', sampleRate: 24_000, channels: 1 })
    expect(codeOf(() => checkClip(wav.subarray(0, 20)))).toBe('invalid_request')
  })
})
