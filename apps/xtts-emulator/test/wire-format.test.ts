import { XTTS_LANGUAGES } from '@tts/core/lang'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkerEngine, type Emulator, startEmulator } from '../src/index.ts'
import { medianPitchHz, raw, readWavHeader, rms, someLatents } from './helpers.ts'

// espeak-ng draws random noise, so two renderings of one text differ slightly in length.
const near = (a: number, b: number, share = 0.03) => Math.abs(a - b) <= b * share

let emulator: Emulator
let latents: { speaker_embedding: number[]; gpt_cond_latent: number[][] }
// One espeak-ng worker thread shared by this file's emulators.
const engine = createWorkerEngine()

beforeAll(async () => {
  emulator = await startEmulator({ ttfbMs: 0, rtf: 0, engine })
  latents = await someLatents(emulator.url)
})
afterAll(async () => {
  await emulator.close()
  await engine.close()
})

const stream = (text: string, extra: Record<string, unknown> = {}) =>
  raw(`${emulator.url}/tts_stream`, { json: { text, language: 'en', ...latents, ...extra } })

describe('POST /tts_stream', () => {
  it('sends 200 audio/wav chunked, the 44-byte header of an empty file, then 24 kHz s16le speech', async () => {
    const res = await stream('This is a streamed sentence from the emulator.')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('audio/wav')
    expect(res.headers['transfer-encoding']).toBe('chunked')
    expect(res.headers['content-length']).toBeUndefined()
    expect(res.complete).toBe(true)
    // Python's wave module writing no frames, as the real server's encode_audio_common(b""):
    // RIFF size 36, data size 0.
    expect(readWavHeader(res.body)).toEqual({
      riff: 'RIFF',
      riffSize: 36,
      wave: 'WAVE',
      fmt: 'fmt ',
      format: 1,
      channels: 1,
      sampleRate: 24_000,
      byteRate: 48_000,
      bitsPerSample: 16,
      data: 'data',
      dataSize: 0,
    })
    const pcm = res.body.subarray(44)
    expect(pcm.length % 2).toBe(0)
    expect(pcm.length / 48_000).toBeGreaterThan(1.5)
    expect(rms(pcm)).toBeGreaterThan(500)
  })

  it('sends the header only once and leaves it out when add_wav_header is false', async () => {
    const text = 'Several chunks: one, two, three, four, five, six, seven, eight, nine, ten.'
    const withHeader = await stream(text, { stream_chunk_size: '5' })
    const without = await stream(text, { stream_chunk_size: 5, add_wav_header: false })
    expect(without.body.subarray(0, 4).toString('ascii')).not.toBe('RIFF')
    expect(near(without.body.length, withHeader.body.length - 44)).toBe(true)
    expect(withHeader.body.indexOf('RIFF', 4)).toBe(-1)
  })

  it('makes longer audio for longer text', async () => {
    const short = await stream('Short.')
    const long = await stream(
      'Much longer text, which takes a good deal more time to say out loud.',
    )
    expect(long.body.length).toBeGreaterThan(short.body.length * 3)
  })

  it('ends a 200 with no body and no last chunk on a non-numeric stream_chunk_size, as the real server', async () => {
    const res = await stream('Hello', { stream_chunk_size: 'twenty' })
    expect(res.status).toBe(200)
    expect(res.body.length).toBe(0)
    expect(res.complete).toBe(false)
  })
})

describe('POST /tts', () => {
  it('answers a JSON string holding base64 of a complete 24 kHz WAV', async () => {
    const res = await raw(`${emulator.url}/tts`, {
      json: { text: 'Bonjour à tous.', language: 'fr', ...latents },
    })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    const text = res.body.toString('utf8')
    expect(text.startsWith('"UklGR')).toBe(true) // "RIFF" in base64
    const wav = Buffer.from(JSON.parse(text) as string, 'base64')
    const header = readWavHeader(wav)
    expect(header).toMatchObject({
      riff: 'RIFF',
      wave: 'WAVE',
      sampleRate: 24_000,
      channels: 1,
      bitsPerSample: 16,
    })
    expect(header.riffSize).toBe(wav.length - 8)
    expect(header.dataSize).toBe(wav.length - 44)
    expect(rms(wav.subarray(44))).toBeGreaterThan(500)
  })
})

describe('GET /studio_speakers and voices', () => {
  it('lists named speakers with XTTS-shaped latents', async () => {
    const speakers = (await (await fetch(`${emulator.url}/studio_speakers`)).json()) as Record<
      string,
      typeof latents
    >
    const names = Object.keys(speakers)
    expect(names.length).toBeGreaterThanOrEqual(4)
    for (const name of names) {
      expect(speakers[name]?.speaker_embedding).toHaveLength(512)
      expect(speakers[name]?.gpt_cond_latent.length).toBeGreaterThan(0)
      expect(speakers[name]?.gpt_cond_latent.every((row) => row.length === 1024)).toBe(true)
    }
  })

  it('different speakers sound different, the same speaker the same', async () => {
    const speakers = (await (await fetch(`${emulator.url}/studio_speakers`)).json()) as Record<
      string,
      typeof latents
    >
    const pitch = async (name: string) => {
      const res = await stream('Which voice is this? I wonder, really.', speakers[name])
      return medianPitchHz(res.body.subarray(44))
    }
    const high = await pitch('Daisy Studious')
    const again = await pitch('Daisy Studious')
    const low = await pitch('Badr Odhiambo')
    expect(Math.abs(again - high)).toBeLessThan(high * 0.1)
    expect(high).toBeGreaterThan(low * 1.6)
  })
})

describe('POST /clone_speaker', () => {
  const clone = async (wav: Uint8Array | string, field = 'wav_file') => {
    const form = new FormData()
    form.set(
      field,
      new Blob([typeof wav === 'string' ? wav : new Uint8Array(wav)], { type: 'audio/wav' }),
      'ref.wav',
    )
    return fetch(`${emulator.url}/clone_speaker`, { method: 'POST', body: form })
  }
  const referenceClip = async (text: string) => {
    const res = await raw(`${emulator.url}/tts`, { json: { text, language: 'en', ...latents } })
    return Buffer.from(JSON.parse(res.body.toString()) as string, 'base64')
  }

  it('derives latents from the clip deterministically and they work in later requests', async () => {
    const clipA = await referenceClip('Reference clip number one.')
    const clipB = await referenceClip('A different reference clip.')
    const first = (await (await clone(clipA)).json()) as typeof latents
    const second = (await (await clone(clipA)).json()) as typeof latents
    const other = (await (await clone(clipB)).json()) as typeof latents
    expect(first.speaker_embedding).toHaveLength(512)
    expect(first.gpt_cond_latent.every((row) => row.length === 1024)).toBe(true)
    expect(second).toEqual(first)
    expect(other.speaker_embedding).not.toEqual(first.speaker_embedding)

    const res = await stream('Speaking with a cloned voice.', first)
    expect(res.status).toBe(200)
    expect(rms(res.body.subarray(44))).toBeGreaterThan(500)
    const again = await stream('Speaking with a cloned voice.', second)
    expect(near(again.body.length, res.body.length)).toBe(true)
    expect(
      near(medianPitchHz(again.body.subarray(44)), medianPitchHz(res.body.subarray(44)), 0.1),
    ).toBe(true)
  })

  it('answers 422 without wav_file and 500 for a file that is not audio', async () => {
    const missing = await clone('x', 'other')
    expect(missing.status).toBe(422)
    expect(await missing.json()).toEqual({
      detail: [{ loc: ['body', 'wav_file'], msg: 'field required', type: 'value_error.missing' }],
    })
    const notAudio = await clone('definitely not a wav file')
    expect(notAudio.status).toBe(500)
    expect(await notAudio.text()).toBe('Internal Server Error')
  })
})

describe('GET /languages and /openapi.json', () => {
  it('lists the 17 XTTS languages', async () => {
    expect(await (await fetch(`${emulator.url}/languages`)).json()).toEqual(
      'en es fr de it pt pl tr ru nl cs ar zh-cn hu ko ja hi'.split(' '),
    )
  })

  it('lists the same codes as core, which the rest of tts-edge validates against', async () => {
    const listed = (await (await fetch(`${emulator.url}/languages`)).json()) as string[]
    expect([...listed].sort()).toEqual([...XTTS_LANGUAGES].sort())
  })

  it('titles its OpenAPI document as the real server does', async () => {
    const doc = (await (await fetch(`${emulator.url}/openapi.json`)).json()) as {
      info: { title: string }
      paths: object
    }
    expect(doc.info.title).toBe('XTTS Streaming server')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/tts_stream', '/tts', '/clone_speaker', '/v1/audio/speech']),
    )
  })
})

describe('POST /v1/audio/speech', () => {
  const speech = (body: Record<string, unknown>) =>
    raw(`${emulator.url}/v1/audio/speech`, { json: body })

  it('answers wav with an open-ended header and pcm as raw s16le', async () => {
    const wav = await speech({
      model: 'tts-1',
      input: 'Hello from the OpenAI route.',
      voice: 'nova',
      response_format: 'wav',
    })
    expect(wav.status).toBe(200)
    expect(wav.headers['content-type']).toBe('audio/wav')
    expect(readWavHeader(wav.body)).toMatchObject({
      riff: 'RIFF',
      sampleRate: 24_000,
      channels: 1,
      bitsPerSample: 16,
      dataSize: 0xffffffff,
    })
    const pcm = await speech({
      input: 'Hello from the OpenAI route.',
      voice: 'nova',
      response_format: 'pcm',
    })
    expect(pcm.headers['content-type']).toBe('audio/pcm')
    expect(pcm.body.subarray(0, 4).toString('ascii')).not.toBe('RIFF')
    expect(near(pcm.body.length, wav.body.length - 44)).toBe(true)
    expect(rms(pcm.body)).toBeGreaterThan(500)
  })

  it('honours speed and language', async () => {
    const normal = await speech({
      input: 'Un deux trois quatre cinq six sept.',
      language: 'fr',
      response_format: 'pcm',
    })
    const fast = await speech({
      input: 'Un deux trois quatre cinq six sept.',
      language: 'fr',
      response_format: 'pcm',
      speed: 2,
    })
    expect(fast.body.length).toBeLessThan(normal.body.length * 0.7)
  })

  it('rejects unsupported formats with 400 and a missing input with 422', async () => {
    const mp3 = await speech({ input: 'x', response_format: 'mp3' })
    expect(mp3.status).toBe(400)
    expect(JSON.parse(mp3.body.toString()).detail).toMatch(/'wav' or 'pcm'/)
    const missing = await speech({ voice: 'alloy' })
    expect(missing.status).toBe(422)
    expect(JSON.parse(missing.body.toString()).detail[0]).toEqual({
      loc: ['body', 'input'],
      msg: 'field required',
      type: 'value_error.missing',
    })
    const slow = await speech({ input: 'x', speed: 0.1 })
    expect(slow.status).toBe(422)
  })
})

describe('bad requests', () => {
  it('answers FastAPI-style 422s', async () => {
    const missing = await raw(`${emulator.url}/tts_stream`, { json: {} })
    expect(missing.status).toBe(422)
    const detail = JSON.parse(missing.body.toString()).detail as { loc: string[]; type: string }[]
    expect(detail.map((d) => d.loc[1])).toEqual([
      'speaker_embedding',
      'gpt_cond_latent',
      'text',
      'language',
    ])
    expect(detail.every((d) => d.type === 'value_error.missing')).toBe(true)

    const badJson = await raw(`${emulator.url}/tts`, {
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    })
    expect(badJson.status).toBe(422)
    expect(JSON.parse(badJson.body.toString()).detail[0].type).toBe('value_error.jsondecode')

    const badType = await raw(`${emulator.url}/tts`, {
      json: { ...latents, text: 'x', language: 'en', speaker_embedding: 'no' },
    })
    expect(JSON.parse(badType.body.toString())).toEqual({
      detail: [
        {
          loc: ['body', 'speaker_embedding'],
          msg: 'value is not a valid list',
          type: 'type_error.list',
        },
      ],
    })
  })

  it('answers 400 naming the supported languages for an unknown one', async () => {
    for (const path of ['/tts_stream', '/tts']) {
      const res = await raw(`${emulator.url}${path}`, {
        json: { ...latents, text: 'x', language: 'xx' },
      })
      expect(res.status).toBe(400)
      expect(JSON.parse(res.body.toString()).detail).toMatch(
        /Unsupported language 'xx'.*en, es, fr/,
      )
    }
  })

  it('answers 404 and 405 as FastAPI does', async () => {
    const notFound = await raw(`${emulator.url}/nope`)
    expect(notFound.status).toBe(404)
    expect(JSON.parse(notFound.body.toString())).toEqual({ detail: 'Not Found' })
    const wrongMethod = await raw(`${emulator.url}/tts_stream`)
    expect(wrongMethod.status).toBe(405)
    expect(JSON.parse(wrongMethod.body.toString())).toEqual({ detail: 'Method Not Allowed' })
  })
})

describe('bearer key', () => {
  it('needs the key on the API but not on admin endpoints', async () => {
    const secured = await startEmulator({ ttfbMs: 0, rtf: 0, engine, apiKey: 'k-123456' })
    try {
      expect((await raw(`${secured.url}/languages`)).status).toBe(401)
      const wrong = await raw(`${secured.url}/languages`, {
        headers: { authorization: 'Bearer nope' },
      })
      expect(wrong.status).toBe(401)
      expect(wrong.headers['www-authenticate']).toBe('Bearer')
      expect(
        (await raw(`${secured.url}/languages`, { headers: { authorization: 'Bearer k-123456' } }))
          .status,
      ).toBe(200)
      expect((await raw(`${secured.url}/__stats`)).status).toBe(200)
    } finally {
      await secured.close()
    }
  })
})

describe('strict latents', () => {
  it('fails latents of the wrong shape as the real server does', async () => {
    const strict = await startEmulator({ ttfbMs: 0, rtf: 0, engine, strictLatents: true })
    try {
      const body = {
        text: 'x',
        language: 'en',
        speaker_embedding: [0.1, 0.2],
        gpt_cond_latent: [[0.3]],
      }
      const streamed = await raw(`${strict.url}/tts_stream`, { json: body })
      expect(streamed.status).toBe(200)
      expect(streamed.complete).toBe(false)
      expect(streamed.body.length).toBe(0)
      expect((await raw(`${strict.url}/tts`, { json: body })).status).toBe(500)
      expect((await raw(`${strict.url}/tts`, { json: { ...body, ...latents } })).status).toBe(200)
    } finally {
      await strict.close()
    }
  })
})
