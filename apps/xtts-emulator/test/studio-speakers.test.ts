import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorkerEngine, type Emulator, startEmulator } from '../src/index.ts'
import { raw } from './helpers.ts'

type Latents = { speaker_embedding: number[]; gpt_cond_latent: number[][] }

// One espeak-ng worker thread shared by this file's emulators.
const engine = createWorkerEngine()
let real: Emulator
let small: Emulator

beforeAll(async () => {
  ;[real, small] = await Promise.all([
    startEmulator({ ttfbMs: 0, rtf: 0, engine, studioSpeakers: 'real' }),
    startEmulator({ ttfbMs: 0, rtf: 0, engine }),
  ])
})
afterAll(async () => {
  await Promise.all([real.close(), small.close()])
  await engine.close()
})

describe("GET /studio_speakers with studioSpeakers: 'real'", () => {
  it('streams a 30–40 MB document of 58 speakers, 512 + 32×1024 numbers each, the same twice', async () => {
    const first = await fetch(`${real.url}/studio_speakers`)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('application/json')
    const body = Buffer.from(await first.arrayBuffer())
    expect(body.length).toBeGreaterThan(30_000_000)
    expect(body.length).toBeLessThan(40_000_000)
    const speakers = JSON.parse(body.toString('utf8')) as Record<string, Latents>
    expect(Object.keys(speakers)).toHaveLength(58)
    for (const latents of Object.values(speakers)) {
      expect(latents.speaker_embedding).toHaveLength(512)
      expect(latents.gpt_cond_latent).toHaveLength(32)
      expect(latents.gpt_cond_latent.every((row) => row.length === 1024)).toBe(true)
    }
    const again = Buffer.from(await (await fetch(`${real.url}/studio_speakers`)).arrayBuffer())
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex')
    expect(digest(again)).toBe(digest(body))
    expect(real.stats().requests['/studio_speakers']).toBe(2)
  })

  it('its latents pass the strict XTTS shape check and synthesize', async () => {
    const strict = await startEmulator({ ttfbMs: 0, rtf: 0, engine, strictLatents: true })
    try {
      const speakers = (await (await fetch(`${real.url}/studio_speakers`)).json()) as Record<
        string,
        Latents
      >
      const text = `Real sized latents ${crypto.randomUUID()}.`
      const res = await raw(`${strict.url}/tts_stream`, {
        json: { text, language: 'en', ...speakers['Gracie Wise'] },
      })
      expect(res.status).toBe(200)
      expect(res.body.length).toBeGreaterThan(44 + 24_000)
    } finally {
      await strict.close()
    }
  })

  it('honours the cut fault: the body ends early, not as valid JSON', async () => {
    real.setFaults({ cutAfterBytes: 1_000_000 })
    try {
      const res = await raw(`${real.url}/studio_speakers`)
      expect(res.body.length).toBeLessThanOrEqual(1_000_000)
      expect(res.complete).toBe(false)
    } finally {
      real.reset()
    }
  })

  it('the default stays the small document, sent with its length', async () => {
    const res = await fetch(`${small.url}/studio_speakers`)
    const length = Number(res.headers.get('content-length'))
    expect(length).toBeGreaterThan(0)
    expect(length).toBeLessThan(1_000_000)
    const speakers = (await res.json()) as Record<string, Latents>
    expect(Object.values(speakers)[0]?.gpt_cond_latent).toHaveLength(4)
  })

  it('refuses an unknown mode, naming the allowed ones', async () => {
    await expect(startEmulator({ engine, studioSpeakers: 'huge' as 'real' })).rejects.toThrow(
      /studioSpeakers must be small or real, got huge/,
    )
  })
})
