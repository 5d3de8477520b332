import { parseWav, toPcm16 } from '@tts/core/audio'
import { isTtsError } from '@tts/core/errors'
import { describe, expect, it } from 'vitest'
import { decodeFlac } from './flac-decode.ts'
import {
  createEncoder,
  EncodeError,
  encodeAudio,
  isSupportedFormat,
  MIME_TYPES,
  type ResponseFormat,
  SUPPORTED_FORMATS,
} from './index.ts'
import { speechLike } from './speech-like.ts'

const audio = { sampleRate: 24000, channels: 1 }

const join = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

async function stream(format: ResponseFormat, pcm: Int16Array, pieces: number) {
  const enc = await createEncoder(format, audio)
  const parts: Uint8Array[] = []
  const step = Math.ceil(pcm.length / pieces)
  for (let at = 0; at < pcm.length; at += step) parts.push(enc.push(pcm.subarray(at, at + step)))
  parts.push(enc.end())
  return { parts, file: join(parts) }
}

// Page bodies and granules of an Ogg file, without the per-stream serial and CRC.
function oggBodies(file: Uint8Array): string[] {
  const out: string[] = []
  for (let at = 0; at < file.length; ) {
    const count = file[at + 26] ?? 0
    const lacing = file.subarray(at + 27, at + 27 + count)
    const length = lacing.reduce((sum, v) => sum + v, 0)
    const granule = new DataView(file.buffer, file.byteOffset + at + 6, 8).getBigUint64(0, true)
    const body = file.subarray(at + 27 + count, at + 27 + count + length)
    out.push(`${granule}:${Array.from(lacing)}:${Array.from(body)}`)
    at += 27 + count + length
  }
  return out
}

// Enough of each container to tell a real file from anything else; the codec-specific suites
// (mp3.test.ts, ogg-opus.test.ts) check every frame and page.
function looksLike(format: ResponseFormat, file: Uint8Array, pcm: Int16Array) {
  const samples = pcm.length
  const ascii = (from: number, to: number) => String.fromCharCode(...file.subarray(from, to))
  switch (format) {
    case 'wav':
      expect(toPcm16(parseWav(file)).length).toBe(samples)
      break
    case 'pcm':
      expect(file.length).toBe(samples * 2)
      break
    case 'mp3':
      expect(file[0]).toBe(0xff)
      expect((file[1] ?? 0) & 0xe0).toBe(0xe0)
      break
    case 'opus':
      expect(ascii(0, 4)).toBe('OggS')
      expect(ascii(28, 36)).toBe('OpusHead')
      break
    case 'flac':
      expect(decodeFlac(file).samples).toEqual(pcm)
      break
  }
}

describe('formats', () => {
  it('offers wav, pcm, mp3, opus and flac with their MIME types, and nothing else', () => {
    expect([...SUPPORTED_FORMATS].sort()).toEqual(['flac', 'mp3', 'opus', 'pcm', 'wav'])
    expect(MIME_TYPES).toEqual({
      wav: 'audio/wav',
      pcm: 'audio/pcm',
      mp3: 'audio/mpeg',
      opus: 'audio/ogg; codecs=opus',
      flac: 'audio/flac',
    })
    for (const f of SUPPORTED_FORMATS) expect(isSupportedFormat(f)).toBe(true)
    for (const f of ['aac', 'MP3', '', 3, null, undefined]) {
      expect(isSupportedFormat(f)).toBe(false)
    }
  })

  it('rejects aac with a message listing what is supported', async () => {
    const error = await encodeAudio(new Int16Array(10), {
      ...audio,
      format: 'aac' as ResponseFormat,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EncodeError)
    expect(isTtsError(error) && error.code).toBe('unsupported_format')
    expect((error as EncodeError).message).toMatch(/"aac".*mp3, opus, wav, pcm, flac/)
    expect((error as EncodeError).details).toEqual({
      supported: ['mp3', 'opus', 'wav', 'pcm', 'flac'],
    })
    await expect(createEncoder('aac' as ResponseFormat, audio)).rejects.toThrow(/"aac"/)
  })

  it('says what is wrong when the audio does not fit the format', async () => {
    await expect(
      encodeAudio(new Int16Array(10), { sampleRate: 22050, channels: 1, format: 'pcm' }),
    ).rejects.toThrow(/pcm output is 24000 Hz.*22050/)
    await expect(
      encodeAudio(new Int16Array(10), { sampleRate: 22050, channels: 1, format: 'opus' }),
    ).rejects.toMatchObject({ code: 'invalid_audio' })
    await expect(
      encodeAudio(new Int16Array(3), { sampleRate: 24000, channels: 2, format: 'wav' }),
    ).rejects.toMatchObject({ code: 'invalid_audio' })
  })
})

describe('encodeAudio', () => {
  it('gives a complete file in every format', async () => {
    const pcm = speechLike(2, 24000)
    for (const format of SUPPORTED_FORMATS) {
      looksLike(format, await encodeAudio(pcm, { ...audio, format }), pcm)
    }
  })

  it('keeps wav and pcm samples bit-exact, with exact WAV sizes', async () => {
    const pcm = speechLike(1, 24000, 4)
    const wav = await encodeAudio(pcm, { ...audio, format: 'wav' })
    const view = new DataView(wav.buffer, wav.byteOffset)
    expect(view.getUint32(40, true)).toBe(pcm.length * 2)
    expect(view.getUint32(4, true)).toBe(36 + pcm.length * 2)
    expect(toPcm16(parseWav(wav))).toEqual(pcm)
    const raw = await encodeAudio(pcm, { ...audio, format: 'pcm' })
    const back = new DataView(raw.buffer, raw.byteOffset)
    expect(Int16Array.from({ length: pcm.length }, (_, i) => back.getInt16(i * 2, true))).toEqual(
      pcm,
    )
  })
})

describe('createEncoder (streaming)', () => {
  it('joins into a valid file in every format, whatever the chunking', async () => {
    const pcm = speechLike(2.5, 24000, 6)
    for (const format of SUPPORTED_FORMATS) {
      const { parts, file } = await stream(format, pcm, 9)
      looksLike(format, file, pcm)
      if (format !== 'mp3') expect(parts[0]?.length).toBeGreaterThan(0) // audio starts at once
    }
  })

  it('sends a WAV header with unknown (0xFFFFFFFF) sizes first, then raw samples', async () => {
    const pcm = speechLike(1, 24000, 8)
    const { parts, file } = await stream('wav', pcm, 4)
    const head = new DataView((parts[0] as Uint8Array).buffer)
    expect(String.fromCharCode(...file.subarray(0, 4))).toBe('RIFF')
    expect(head.getUint32(4, true)).toBe(0xffffffff)
    expect(head.getUint32(40, true)).toBe(0xffffffff)
    expect(parts[0]?.length).toBe(44 + (pcm.length / 4) * 2)
    expect(toPcm16(parseWav(file))).toEqual(pcm)
  })

  it('keeps concurrent streams apart (one isolate serves many requests at once)', async () => {
    const a = speechLike(1.5, 24000, 11)
    const b = speechLike(1.5, 24000, 12)
    for (const format of ['mp3', 'opus'] as const) {
      const alone = [(await stream(format, a, 5)).file, (await stream(format, b, 5)).file]
      const encA = await createEncoder(format, audio)
      const encB = await createEncoder(format, audio)
      const partsA: Uint8Array[] = []
      const partsB: Uint8Array[] = []
      const step = Math.ceil(a.length / 5)
      for (let at = 0; at < a.length; at += step) {
        partsA.push(encA.push(a.subarray(at, at + step)))
        partsB.push(encB.push(b.subarray(at, at + step)))
      }
      partsB.push(encB.end())
      partsA.push(encA.end())
      // Ogg serials (and so page CRCs) are random per stream; the audio must be identical.
      const audioOf = (file: Uint8Array) => (format === 'opus' ? oggBodies(file) : file)
      expect(audioOf(join(partsA))).toEqual(audioOf(alone[0] as Uint8Array))
      expect(audioOf(join(partsB))).toEqual(audioOf(alone[1] as Uint8Array))
    }
  })

  it('fails clearly on use after end and on partial frames', async () => {
    const enc = await createEncoder('wav', { sampleRate: 24000, channels: 2 })
    expect(() => enc.push(new Int16Array(3))).toThrow(/whole frames of 2 channels/)
    enc.end()
    expect(() => enc.end()).toThrow(/after end/)
  })
})
