import { parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { keys, sentence, speak, synthesesOf } from './helpers.ts'

describe('cache: hit and miss', () => {
  it('answers a second identical request from cache without reaching the emulator', async () => {
    const input = sentence()
    const miss = await speak({ input, response_format: 'wav' })
    expect(miss.status).toBe(200)
    expect(miss.headers.get('x-tts-cache')).toBe('MISS')
    expect(miss.headers.get('x-tts-language')).toBe('en')
    // The upstream's configured name (the one UPSTREAM_URL goes by the pool's), never its host.
    expect(miss.headers.get('x-tts-upstream')).toBe('default')
    expect(miss.headers.get('server-timing')).toMatch(
      /cache;dur=[\d.]+, upstream;dur=[\d.]+, encode;dur=[\d.]+/,
    )
    expect((await synthesesOf(input)).total).toBe(1)

    const hit = await speak({ input, response_format: 'wav' })
    expect(hit.status).toBe(200)
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'))
    expect(hit.body).toEqual(miss.body)
    expect((await synthesesOf(input)).total).toBe(1)
    const wav = parseWav(hit.body)
    expect(wav.sampleRate).toBe(24_000)
    expect(wav.durationMs).toBeGreaterThan(500)
    console.log(`[latency] wav miss ${miss.ms.toFixed(1)} ms, hit ${hit.ms.toFixed(1)} ms`)
  })
})

describe('cache: per sentence', () => {
  it('does not synthesize again a sentence heard before, in a new paragraph', async () => {
    const a = sentence('First we say this')
    const b = sentence('Then we say that')
    const c = sentence('Finally something new')
    const first = await speak({ input: `${a} ${b}`, response_format: 'mp3' })
    expect(first.status).toBe(200)
    const second = await speak({ input: `${c} ${b}`, response_format: 'wav' })
    expect(second.status).toBe(200)
    expect(second.headers.get('x-tts-cache')).toBe('MISS')
    const counts = async () => Promise.all([a, b, c].map(async (t) => (await synthesesOf(t)).total))
    expect(await counts()).toEqual([1, 1, 1]) // c only was new
    const again = await speak({ input: `${b} ${a}`, response_format: 'opus' })
    expect(again.status).toBe(200)
    expect(await counts()).toEqual([1, 1, 1])
  })

  it('keeps tenants apart: the same text for another tenant is a miss', async () => {
    const input = sentence('Tenant scoped')
    await speak({ input, response_format: 'pcm' }, { key: keys.speech })
    expect((await synthesesOf(input)).total).toBe(1)
    const other = await speak({ input, response_format: 'pcm' }, { key: keys.other })
    expect(other.headers.get('x-tts-cache')).toBe('MISS')
    expect((await synthesesOf(input)).total).toBe(2)
  })
})
