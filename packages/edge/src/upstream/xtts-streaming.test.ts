import { describe, expect, it } from 'vitest'
import type { Latents } from './types.ts'
import { latentsBody } from './xtts-streaming.ts'

const latents = (): Latents => ({
  speaker_embedding: Array.from({ length: 512 }, () => Math.random() - 0.5),
  gpt_cond_latent: Array.from({ length: 32 }, () =>
    Array.from({ length: 1024 }, () => Math.random() - 0.5),
  ),
})

describe('latentsBody', () => {
  it('writes the bytes JSON.stringify would, for every text, with the latents written once', () => {
    const voice = latents()
    const texts = [
      `Plain ${crypto.randomUUID()}.`,
      `Quotes " and \\ and \n newlines ${crypto.randomUUID()}`,
      `Ünïcödé 漢字 ${crypto.randomUUID()} \u2028`,
    ]
    for (const text of texts) {
      const extra = { add_wav_header: true, stream_chunk_size: '20' }
      expect(latentsBody(text, 'en', voice, extra)).toBe(
        JSON.stringify({ text, language: 'en', ...voice, ...extra }),
      )
      expect(latentsBody(text, 'fr', voice)).toBe(
        JSON.stringify({ text, language: 'fr', ...voice }),
      )
    }
  })

  it('keeps each voice its own latents', () => {
    const a = latents()
    const b = latents()
    const text = `Two voices ${crypto.randomUUID()}.`
    expect(JSON.parse(latentsBody(text, 'en', a)).speaker_embedding).toEqual(a.speaker_embedding)
    expect(JSON.parse(latentsBody(text, 'en', b)).speaker_embedding).toEqual(b.speaker_embedding)
  })
})
