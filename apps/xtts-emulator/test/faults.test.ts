import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createWorkerEngine,
  type Emulator,
  GARBAGE_BODY,
  NO_FAULTS,
  startEmulator,
} from '../src/index.ts'
import { raw, someLatents } from './helpers.ts'

const engine = createWorkerEngine()
let emulator: Emulator
let latents: { speaker_embedding: number[]; gpt_cond_latent: number[][] }
const TEXT =
  'A sentence long enough to need several chunks of audio on the wire, as a real answer would.'

beforeAll(async () => {
  emulator = await startEmulator({ engine, ttfbMs: 0, rtf: 0 })
  latents = await someLatents(emulator.url)
})
afterEach(() => emulator.reset())
afterAll(async () => {
  await emulator.close()
  await engine.close()
})

const stream = () =>
  raw(`${emulator.url}/tts_stream`, {
    json: { text: TEXT, language: 'en', ...latents, stream_chunk_size: '5' },
  })
const tts = () => raw(`${emulator.url}/tts`, { json: { text: TEXT, language: 'en', ...latents } })
const postFaults = (patch: unknown) =>
  raw(`${emulator.url}/__faults`, { json: patch }).then((r) => ({
    status: r.status,
    body: JSON.parse(r.body.toString()),
  }))

describe('faults', () => {
  it('errorRate 1 answers errorStatus: 500 as uvicorn plain text, others as JSON', async () => {
    emulator.setFaults({ errorRate: 1 })
    const plain = await stream()
    expect(plain.status).toBe(500)
    expect(plain.headers['content-type']).toMatch(/^text\/plain/)
    expect(plain.body.toString()).toBe('Internal Server Error')
    emulator.setFaults({ errorStatus: 503 })
    const unavailable = await tts()
    expect(unavailable.status).toBe(503)
    expect(JSON.parse(unavailable.body.toString())).toEqual({ detail: 'Service Unavailable' })
    expect(emulator.stats().syntheses).toBe(0)
  })

  it('errorRate applies to its share of requests', async () => {
    const sequence = [0.1, 0.9, 0.2, 0.8]
    const seeded = await startEmulator({
      engine,
      ttfbMs: 0,
      rtf: 0,
      faults: { errorRate: 0.5 },
      random: () => sequence.shift() ?? 1,
    })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await raw(`${seeded.url}/languages`)).status)
      expect(statuses).toEqual([500, 200, 500, 200])
    } finally {
      await seeded.close()
    }
  })

  it('hang never answers, and the server keeps serving others', async () => {
    emulator.setFaults({ hang: true })
    const hung = raw(`${emulator.url}/languages`, { signal: AbortSignal.timeout(800) })
    await expect(hung).rejects.toThrow()
    emulator.setFaults({ hang: false })
    expect((await raw(`${emulator.url}/languages`)).status).toBe(200)
    expect(emulator.stats().requests['/languages']).toBe(2)
  })

  it('firstByteDelayMs holds back everything, headers included', async () => {
    emulator.setFaults({ firstByteDelayMs: 600 })
    const res = await stream()
    expect(res.status).toBe(200)
    expect(res.headersMs).toBeGreaterThanOrEqual(600)
  })

  it('cutAfterBytes destroys the socket mid-stream, with no terminating chunk', async () => {
    emulator.setFaults({ cutAfterBytes: 1000 })
    const res = await stream()
    expect(res.status).toBe(200)
    expect(res.body.length).toBe(1000)
    expect(res.body.subarray(0, 4).toString('ascii')).toBe('RIFF')
    expect(res.complete).toBe(false)
    const whole = await tts()
    expect(whole.body.length).toBe(1000)
    expect(whole.complete).toBe(false)
  })

  it('rateLimit answers 429 with Retry-After', async () => {
    emulator.setFaults({ rateLimit: { retryAfterS: 7 } })
    const res = await stream()
    expect(res.status).toBe(429)
    expect(res.headers['retry-after']).toBe('7')
  })

  it('garbage answers 200 with a body that is not audio', async () => {
    emulator.setFaults({ garbage: true })
    const streamed = await stream()
    expect(streamed.status).toBe(200)
    expect(streamed.headers['content-type']).toBe('audio/wav')
    expect(streamed.body.equals(GARBAGE_BODY)).toBe(true)
    const json = await tts()
    expect(json.status).toBe(200)
    expect(() => JSON.parse(json.body.toString())).toThrow()
    const speech = await raw(`${emulator.url}/v1/audio/speech`, {
      json: { input: TEXT, response_format: 'pcm' },
    })
    expect(speech.status).toBe(200)
    expect(speech.headers['content-type']).toBe('audio/pcm')
    expect(speech.body.equals(GARBAGE_BODY)).toBe(true)
  })

  it('failText fails only syntheses of texts containing it, as the real server fails on bad input', async () => {
    const poison = `poison ${crypto.randomUUID()}`
    emulator.setFaults({ failText: poison })
    const body = { text: `Say ${poison} now.`, language: 'en', ...latents }
    const streamed = await raw(`${emulator.url}/tts_stream`, { json: body })
    expect(streamed.status).toBe(200)
    expect(streamed.body.byteLength).toBe(0)
    expect(streamed.complete).toBe(false)
    expect((await raw(`${emulator.url}/tts`, { json: body })).status).toBe(500)
    const speech = await raw(`${emulator.url}/v1/audio/speech`, {
      json: { input: poison, response_format: 'pcm' },
    })
    expect(speech.status).toBe(500)
    expect(emulator.stats().syntheses).toBe(0)
    // Any other text is served: the server is healthy.
    const fine = await stream()
    expect(fine.status).toBe(200)
    expect(fine.complete).toBe(true)
    expect(emulator.stats().syntheses).toBe(1)
    expect(await postFaults({ failText: '' })).toMatchObject({ status: 400 })
    expect((await postFaults({ failText: null })).body.failText).toBeNull()
  })

  it('down destroys every non-admin socket until lifted; admin still answers', async () => {
    emulator.setFaults({ down: true })
    await expect(fetch(`${emulator.url}/languages`)).rejects.toThrow(/fetch failed/)
    await expect(raw(`${emulator.url}/tts_stream`, { json: {} })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    )
    expect((await raw(`${emulator.url}/__stats`)).status).toBe(200)
    emulator.setFaults({ down: false })
    expect((await fetch(`${emulator.url}/languages`)).status).toBe(200)
  })

  it('stopListening refuses connections on the port and resume brings it back', async () => {
    const url = emulator.url
    await emulator.stopListening()
    await expect(raw(`${url}/languages`)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await emulator.resume()
    expect(emulator.url).toBe(url)
    expect((await raw(`${url}/languages`)).status).toBe(200)
  })
})

describe('admin endpoints', () => {
  it('set, read and reset faults at run time, rejecting bad patches', async () => {
    expect(await postFaults({ errorRate: 1, errorStatus: 502 })).toEqual({
      status: 200,
      body: { ...NO_FAULTS, errorRate: 1, errorStatus: 502 },
    })
    const read = await raw(`${emulator.url}/__faults`)
    expect(JSON.parse(read.body.toString())).toMatchObject({ errorRate: 1, errorStatus: 502 })
    expect((await stream()).status).toBe(502)

    const bad = await postFaults({ errorRate: 3 })
    expect(bad.status).toBe(400)
    expect(bad.body.detail).toMatch(/errorRate must be a number from 0 to 1/)

    expect((await raw(`${emulator.url}/__reset`, { method: 'POST' })).status).toBe(200)
    expect(emulator.faults()).toEqual(NO_FAULTS)
    expect(emulator.stats()).toMatchObject({ requests: {}, syntheses: 0, audioSeconds: 0 })
  })

  it('counts requests per path, syntheses and audio seconds', async () => {
    await stream()
    await tts()
    await raw(`${emulator.url}/languages`)
    const stats = JSON.parse((await raw(`${emulator.url}/__stats`)).body.toString())
    expect(stats).toMatchObject({
      requests: { '/tts_stream': 1, '/tts': 1, '/languages': 1 },
      syntheses: 2,
      concurrency: 0,
      maxConcurrency: 1,
      inFlight: 0,
    })
    expect(stats.audioSeconds).toBeGreaterThan(6)
  })

  it('sets the latency model at run time through /__config', async () => {
    const res = await raw(`${emulator.url}/__config`, { json: { ttfbMs: 123 } })
    expect(JSON.parse(res.body.toString())).toEqual({ ttfbMs: 123, rtf: 0 })
    expect((await raw(`${emulator.url}/__config`, { json: { rtf: -1 } })).status).toBe(400)
    emulator.setLatency({ ttfbMs: 0 })
  })
})
