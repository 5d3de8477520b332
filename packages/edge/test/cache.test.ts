import { parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { emulatorStats, sentence, speak } from './helpers.ts'

describe('cache: hit and miss', () => {
  it('answers a second identical request from cache without reaching the emulator', async () => {
    const input = sentence()
    const before = await emulatorStats()
    const miss = await speak({ input, response_format: 'wav' })
    expect(miss.status).toBe(200)
    expect(miss.headers.get('x-tts-cache')).toBe('MISS')
    expect(miss.headers.get('x-tts-language')).toBe('en')
    expect(miss.headers.get('x-tts-upstream')).toMatch(/^xtts-streaming 127\.0\.0\.1:\d+$/)
    expect(miss.headers.get('server-timing')).toMatch(
      /cache;dur=[\d.]+, upstream;dur=[\d.]+, encode;dur=[\d.]+/,
    )
    const afterMiss = await emulatorStats()
    expect(afterMiss.syntheses).toBe(before.syntheses + 1)

    const hit = await speak({ input, response_format: 'wav' })
    expect(hit.status).toBe(200)
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'))
    expect(hit.body).toEqual(miss.body)
    expect((await emulatorStats()).syntheses).toBe(afterMiss.syntheses)
    const wav = parseWav(hit.body)
    expect(wav.sampleRate).toBe(24_000)
    expect(wav.durationMs).toBeGreaterThan(500)
    console.log(`[latency] wav miss ${miss.ms.toFixed(1)} ms, hit ${hit.ms.toFixed(1)} ms`)
  })
})
