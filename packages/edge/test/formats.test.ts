import { parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { decodeFlac } from '../src/encode/flac-decode.ts'
import { mp3Frames, oggOpusPages } from './audio-check.ts'
import { sentence, speak, synthesesOf } from './helpers.ts'

function checkAudio(format: string, body: Uint8Array) {
  if (format === 'wav') {
    const wav = parseWav(body)
    expect(wav.sampleRate).toBe(24_000)
    expect(wav.channels).toBe(1)
    expect(wav.durationMs).toBeGreaterThan(300)
  } else if (format === 'pcm') {
    expect(body.byteLength % 2).toBe(0)
    expect(body.byteLength / 48).toBeGreaterThan(300)
  } else if (format === 'mp3') {
    const { frames, sampleRate } = mp3Frames(body)
    expect(sampleRate).toBe(24_000)
    expect(frames).toBeGreaterThan(10)
  } else if (format === 'flac') {
    const flac = decodeFlac(body)
    expect(flac).toMatchObject({ sampleRate: 24_000, channels: 1, bitsPerSample: 16 })
    expect(flac.samples.length / 24).toBeGreaterThan(300)
  } else {
    const { pages, opus, eos } = oggOpusPages(body)
    expect(opus).toBe(true)
    expect(eos).toBe(true)
    expect(pages).toBeGreaterThan(2)
  }
}

const CONTENT_TYPES: Record<string, RegExp> = {
  wav: /^audio\/wav/,
  pcm: /^audio\/pcm/,
  mp3: /^audio\/mpeg/,
  opus: /^audio\/ogg/,
  flac: /^audio\/flac/,
}

describe('formats', () => {
  for (const format of ['wav', 'pcm', 'mp3', 'opus', 'flac']) {
    for (const stream of [false, true]) {
      it(`${format}${stream ? ' streamed' : ''}: decodes, and its cached copy is the same file`, async () => {
        const input = sentence('A sentence to encode')
        const miss = await speak({ input, response_format: format, stream })
        expect(miss.status).toBe(200)
        expect(miss.headers.get('content-type')).toMatch(CONTENT_TYPES[format] as RegExp)
        expect(miss.headers.get('x-tts-cache')).toBe('MISS')
        checkAudio(format, miss.body)
        expect((await synthesesOf(input)).total).toBe(1)
        const hit = await speak({ input, response_format: format, stream })
        expect(hit.headers.get('x-tts-cache')).toBe('HIT')
        checkAudio(format, hit.body)
        // A streamed answer is stored re-encoded from its segments (so the stream holds no
        // whole file); an Ogg stream's serial is random, so a streamed opus differs in bytes
        // and its cached copy carries its own ETag.
        if (format === 'opus' && stream)
          expect(hit.headers.get('etag')).not.toBe(miss.headers.get('etag'))
        else if (format !== 'wav') expect(hit.body).toEqual(miss.body)
        expect((await synthesesOf(input)).total).toBe(1)
      })
    }
  }

  it('refuses aac saying why, and names the field for OpenAI clients', async () => {
    const res = await speak({ input: sentence('No aac'), response_format: 'aac' })
    expect(res.status).toBe(400)
    const problem = res.json<{ code: string; detail: string; error: { param: string } }>()
    expect(problem.code).toBe('unsupported_format')
    expect(problem.detail).toMatch(
      /flac; aac is not offered because no AAC encoder runs in a Worker/,
    )
    expect(problem.error.param).toBe('response_format')
  })

  it('speaks a default mp3 when no response_format is given (as OpenAI does)', async () => {
    const res = await speak({ input: sentence('Default format') })
    expect(res.headers.get('content-type')).toMatch(/^audio\/mpeg/)
    mp3Frames(res.body)
  })
})

describe('conditional and range requests on cached audio', () => {
  it('answers 304 to a matching If-None-Match and 206 to a Range', async () => {
    const input = sentence('Ranges for audio elements')
    const first = await speak({ input, response_format: 'wav' })
    const etag = first.headers.get('etag') as string
    expect(etag).toMatch(/^"[0-9a-f]{16}\.[0-9a-z]+"$/)

    const notModified = await speak(
      { input, response_format: 'wav' },
      { headers: { 'if-none-match': etag } },
    )
    expect(notModified.status).toBe(304)
    expect(notModified.body.byteLength).toBe(0)
    expect(notModified.headers.get('etag')).toBe(etag)

    const other = await speak(
      { input, response_format: 'wav' },
      { headers: { 'if-none-match': '"nope"' } },
    )
    expect(other.status).toBe(200)

    const part = await speak(
      { input, response_format: 'wav' },
      { headers: { range: 'bytes=0-43' } },
    )
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 0-43/${first.body.byteLength}`)
    expect(part.body).toEqual(first.body.subarray(0, 44))

    const tail = await speak(
      { input, response_format: 'wav' },
      { headers: { range: 'bytes=-100' } },
    )
    expect(tail.status).toBe(206)
    expect(tail.body).toEqual(first.body.subarray(first.body.byteLength - 100))

    const open = await speak(
      { input, response_format: 'wav' },
      { headers: { range: 'bytes=1000-' } },
    )
    expect(open.status).toBe(206)
    expect(open.body).toEqual(first.body.subarray(1000))

    const beyond = await speak(
      { input, response_format: 'wav' },
      { headers: { range: `bytes=${first.body.byteLength}-` } },
    )
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${first.body.byteLength}`)
  })

  it('serves GET /v1/audio/speech with query parameters, as an <audio src> would', async () => {
    const input = sentence('Audio element source')
    const { call } = await import('./helpers.ts')
    const q = new URLSearchParams({ input, voice: 'alloy', response_format: 'mp3' })
    const first = await call(`/v1/audio/speech?${q}`)
    expect(first.status).toBe(200)
    mp3Frames(first.body)
    const again = await call(`/v1/audio/speech?${q}`, { headers: { range: 'bytes=0-99' } })
    expect(again.status).toBe(206)
    expect(again.headers.get('x-tts-cache')).toBe('HIT')
  })
})
