import { afterEach, describe, expect, it } from 'vitest'
import { sentence, speak } from './helpers.ts'
import { measured, poolEnv, realSpeakersEmulator, releasePools } from './pool-helpers.ts'

afterEach(releasePools)

describe('speaker latents from a real-sized /studio_speakers', () => {
  it('fetches and parses the ~37 MB document once per pool, and the first answer needs no retry', async () => {
    const real = await realSpeakersEmulator()
    // The speaker list loads before the first-byte clock of an attempt (and of a voice
    // lookup) starts; no retry is allowed, so the first attempt must succeed with it.
    const pool = poolEnv([{ url: real.url }], { ttfbMs: 2000, maxRetries: 0 })
    const started = performance.now()
    const res = await speak(
      {
        input: sentence('Spoken with a real speaker list'),
        response_format: 'pcm',
        language: 'en',
      },
      { env: pool },
    )
    const ms = performance.now() - started
    expect(res.status).toBe(200)
    expect(res.body.byteLength).toBeGreaterThan(10_000)
    const { requests } = await real.stats()
    // Loaded once for the identity and the synthesis alike, and one synthesis, no retry.
    expect(requests['/studio_speakers']).toBe(1)
    expect((requests['/tts_stream'] ?? 0) + (requests['/tts'] ?? 0)).toBe(1)
    measured('real-sized studio_speakers, first answer', { ms: Math.round(ms) })
  }, 120_000)
})
