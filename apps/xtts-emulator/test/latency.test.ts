import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chunkSchedule, createWorkerEngine, type Emulator, startEmulator } from '../src/index.ts'
import { raw, someLatents } from './helpers.ts'

// One espeak-ng worker thread shared by this file's emulators.
const engine = createWorkerEngine()
const TEXT =
  'The emulator paces its audio like a GPU would, one chunk after another, sentence by sentence.'
let latents: { speaker_embedding: number[]; gpt_cond_latent: number[][] }
let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ engine, ttfbMs: 0, rtf: 0 })
  latents = await someLatents(emulator.url)
})
afterAll(async () => {
  await emulator.close()
  await engine.close()
})

const audioSeconds = (bytes: number, header = 44) => (bytes - header) / 48_000

describe('chunkSchedule', () => {
  it('puts the first chunk at the TTFB and paces the rest by the RTF', () => {
    expect(chunkSchedule([1, 1, 1], 600, 0.3)).toEqual([600, 900, 1200])
    expect(chunkSchedule([2, 1], 100, 0.5)).toEqual([1000, 1500])
    expect(chunkSchedule([1, 2], 0, 0)).toEqual([0, 0])
  })
})

describe('latency model', () => {
  it('sends headers at once and the first audio no earlier than the TTFB', async () => {
    emulator.setLatency({ ttfbMs: 700, rtf: 0 })
    const res = await raw(`${emulator.url}/tts_stream`, {
      json: { text: 'Short one.', language: 'en', ...latents },
    })
    expect(res.status).toBe(200)
    expect(res.firstByteMs).toBeGreaterThanOrEqual(700)
    // 200 + headers come before any synthesis, as the real StreamingResponse does.
    expect(res.headersMs).toBeLessThan(res.firstByteMs - 300)
  })

  it('takes about RTF × audio length in total, spread over several chunks', async () => {
    emulator.setLatency({ ttfbMs: 0, rtf: 0.5 })
    const res = await raw(`${emulator.url}/tts_stream`, {
      json: { text: TEXT, language: 'en', ...latents, stream_chunk_size: '10' },
    })
    const audio = audioSeconds(res.body.length)
    expect(audio).toBeGreaterThan(3)
    const expected = audio * 0.5 * 1000
    expect(res.totalMs).toBeGreaterThanOrEqual(expected * 0.9)
    expect(res.totalMs).toBeLessThan(expected * 1.5 + 500)
    // Chunks arrive spread out, not in one burst at the end.
    const spread = (res.chunks.at(-1)?.at ?? 0) - (res.chunks[0]?.at ?? 0)
    expect(spread).toBeGreaterThan(expected * 0.6)
  })

  it('delays /tts by TTFB + RTF × audio as a whole', async () => {
    emulator.setLatency({ ttfbMs: 300, rtf: 0.4 })
    const res = await raw(`${emulator.url}/tts`, {
      json: { text: TEXT, language: 'en', ...latents },
    })
    const wav = Buffer.from(JSON.parse(res.body.toString()) as string, 'base64')
    const audio = audioSeconds(wav.length)
    expect(res.headersMs).toBeGreaterThanOrEqual(audio * 0.4 * 1000 * 0.8)
    expect(res.headersMs).toBeGreaterThanOrEqual(300)
  })

  it('has the documented defaults: 600 ms to first audio, RTF 0.3', async () => {
    const defaults = await startEmulator({ engine })
    try {
      const res = await raw(`${defaults.url}/tts_stream`, {
        json: { text: TEXT, language: 'en', ...latents },
      })
      const audio = audioSeconds(res.body.length)
      expect(res.firstByteMs).toBeGreaterThanOrEqual(600)
      // First chunk is 20 tokens (20,480 samples); the rest follow at 0.3 × their length.
      const expected = 600 + 0.3 * (audio - 20_480 / 24_000) * 1000
      expect(res.totalMs).toBeGreaterThanOrEqual(expected * 0.9)
      expect(res.totalMs).toBeLessThan(expected * 1.5 + 500)
    } finally {
      await defaults.close()
    }
  })
})

describe('one synthesis at a time', () => {
  it('serves 5 concurrent requests one after another, in order, with max concurrency 1', async () => {
    emulator.setLatency({ ttfbMs: 250, rtf: 0.05 })
    emulator.reset()
    const started = performance.now()
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) => {
        // Staggered a little so that arrival order is known.
        await new Promise((r) => setTimeout(r, n * 20))
        const res = await raw(`${emulator.url}/tts_stream`, {
          json: { text: `Request number ${n}.`, language: 'en', ...latents },
        })
        return { n, status: res.status, done: performance.now() - started }
      }),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    const finishOrder = [...results].sort((a, b) => a.done - b.done).map((r) => r.n)
    expect(finishOrder).toEqual([1, 2, 3, 4, 5])
    // Serialised: at least five TTFBs in a row.
    expect(Math.max(...results.map((r) => r.done))).toBeGreaterThanOrEqual(5 * 250)
    const stats = emulator.stats()
    expect(stats.maxConcurrency).toBe(1)
    expect(stats.maxInFlight).toBe(5)
    expect(stats.syntheses).toBe(5)
    expect(stats.requests['/tts_stream']).toBe(5)
    expect(stats.audioSeconds).toBeGreaterThan(2)
  })
})
