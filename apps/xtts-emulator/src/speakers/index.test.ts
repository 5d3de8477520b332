import { describe, expect, it } from 'vitest'
import { latentsFromSeed, studioSpeakers, voiceForLatents, voiceForName } from './index.ts'

describe('speakers', () => {
  it('studio speakers have XTTS-shaped latents and distinct voices', () => {
    const speakers = studioSpeakers()
    const names = Object.keys(speakers)
    expect(names.length).toBeGreaterThanOrEqual(6)
    const voices = new Set<string>()
    for (const name of names) {
      const latents = speakers[name]
      expect(latents?.speaker_embedding).toHaveLength(512)
      expect(latents?.gpt_cond_latent.every((row) => row.length === 1024)).toBe(true)
      const voice = voiceForLatents(latents?.speaker_embedding ?? [])
      voices.add(`${voice.variant}/${voice.pitch}`)
    }
    expect(voices.size).toBe(names.length)
  })

  it('the same seed gives the same latents and voice; another seed another voice', () => {
    const a = latentsFromSeed('clip A')
    expect(latentsFromSeed('clip A')).toEqual(a)
    expect(voiceForLatents(a.speaker_embedding)).toEqual(voiceForLatents([...a.speaker_embedding]))
    // A float32 round trip must not change the voice.
    const f32 = Array.from(new Float32Array(a.speaker_embedding))
    expect(voiceForLatents(f32)).toEqual(voiceForLatents(a.speaker_embedding))
    const b = latentsFromSeed('clip B')
    expect(b.speaker_embedding).not.toEqual(a.speaker_embedding)
  })

  it('maps OpenAI voice names onto studio speakers', () => {
    expect(voiceForName('nova')).toEqual(voiceForName('Daisy Studious'))
    expect(voiceForName('anything')).toEqual(voiceForName('anything'))
  })
})
