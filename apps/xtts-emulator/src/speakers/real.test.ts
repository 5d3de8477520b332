import { describe, expect, it } from 'vitest'
import { studioSpeakers, voiceForLatents } from './index.ts'
import { REAL_LATENT_ROWS, REAL_STUDIO_SPEAKER_NAMES, realStudioSpeakersJson } from './real.ts'

type Latents = { speaker_embedding: number[]; gpt_cond_latent: number[][] }

describe('realStudioSpeakersJson', () => {
  it("is one JSON object of XTTS-v2's 58 speakers with real shapes, 30–40 MB, like the real server's", () => {
    const pieces = [...realStudioSpeakersJson()]
    expect(pieces[0]).toBe('{')
    expect(pieces.at(-1)).toBe('}')
    const bytes = pieces.reduce((n, p) => n + Buffer.byteLength(p), 0)
    expect(bytes).toBeGreaterThan(30_000_000)
    expect(bytes).toBeLessThan(40_000_000)
    // Each middle piece is one member; parsed one by one, never as one 37 MB string.
    const names: string[] = []
    for (const piece of pieces.slice(1, -1)) {
      const member = JSON.parse(`{${piece.replace(/^,/, '')}}`) as Record<string, Latents>
      const [name, latents] = Object.entries(member)[0] ?? []
      names.push(name ?? '')
      expect(latents?.speaker_embedding).toHaveLength(512)
      expect(latents?.gpt_cond_latent).toHaveLength(REAL_LATENT_ROWS)
      for (const row of latents?.gpt_cond_latent ?? []) {
        expect(row).toHaveLength(1024)
        expect(row.every((v) => Number.isFinite(v) && Math.abs(v) < 2)).toBe(true)
      }
    }
    expect(names).toEqual(REAL_STUDIO_SPEAKER_NAMES)
    expect(new Set(names).size).toBe(58)
    expect(REAL_LATENT_ROWS * 1024 + 512).toBe(33_280)
  })

  it('is the same every time and keeps the small document’s voices for its speakers', () => {
    const first = realStudioSpeakersJson()
    first.next()
    const again = realStudioSpeakersJson()
    again.next()
    const piece = first.next().value as string
    expect(again.next().value).toBe(piece)
    const claribel = (JSON.parse(`{${piece}}`) as Record<string, Latents>)['Claribel Dervla']
    const small = studioSpeakers()['Claribel Dervla']
    expect(claribel?.speaker_embedding).toEqual(small?.speaker_embedding)
    expect(voiceForLatents(claribel?.speaker_embedding ?? [])).toEqual(
      voiceForLatents(small?.speaker_embedding ?? []),
    )
    // Values at float32 precision, as the real server prints its tensors.
    const value = claribel?.gpt_cond_latent[0]?.[0] ?? Number.NaN
    expect(Math.fround(value)).toBe(value)
  })
})
