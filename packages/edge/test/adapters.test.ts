import { parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { sentence, speak, synthesesOf } from './helpers.ts'

const openai = { UPSTREAM_ADAPTER: 'openai', VOICE_MAP: '{}' } as Partial<Env>

describe('upstream adapters', () => {
  it('openai: speaks through any /v1/audio/speech server, speed included', async () => {
    const input = sentence('Through the OpenAI style upstream')
    const normal = await speak({ input, response_format: 'wav' }, { env: openai })
    expect(normal.status).toBe(200)
    expect(normal.headers.get('x-tts-upstream')).toBe('default')
    const fast = await speak({ input, response_format: 'wav', speed: 2 }, { env: openai })
    expect(fast.status).toBe(200)
    expect(parseWav(fast.body).durationMs).toBeLessThan(parseWav(normal.body).durationMs * 0.8)
    expect((await synthesesOf(input)).byRoute).toEqual({ '/v1/audio/speech': 2 })
  })

  it('xtts-streaming: a speed it has not is done by the edge, the upstream asked for speed 1', async () => {
    const input = sentence('Faster please')
    const fast = await speak({ input, response_format: 'wav', speed: 1.5 })
    expect(fast.status).toBe(200)
    const normal = await speak({ input, response_format: 'wav' })
    const ratio = parseWav(fast.body).durationMs / parseWav(normal.body).durationMs
    expect(ratio).toBeGreaterThan(0.95 / 1.5)
    expect(ratio).toBeLessThan(1.05 / 1.5)
    // One synthesis for both: the speed-1 audio was the source of the faster one.
    expect((await synthesesOf(input)).total).toBe(1)
  })

  it('openai with SPEED_BY=edge: the upstream speaks speed 1 once, every other speed is the edge’s', async () => {
    const env = { ...openai, SPEED_BY: 'edge' } as Partial<Env>
    const input = sentence('Edge speed over an OpenAI upstream')
    const slow = await speak({ input, response_format: 'pcm', speed: 0.55 }, { env })
    const fast = await speak({ input, response_format: 'pcm', speed: 2 }, { env })
    const normal = await speak({ input, response_format: 'pcm' }, { env })
    for (const r of [slow, fast, normal]) expect(r.status).toBe(200)
    const n = normal.body.byteLength
    expect(Math.abs(slow.body.byteLength / n - 1 / 0.55)).toBeLessThan(0.05 / 0.55)
    expect(Math.abs(fast.body.byteLength / n - 1 / 2)).toBeLessThan(0.05 / 2)
    expect((await synthesesOf(input)).byRoute).toEqual({ '/v1/audio/speech': 1 })
  })

  it('xtts-streaming: streamed requests use /tts_stream, whole ones /tts (base64 JSON)', async () => {
    const streamed = sentence('Streamed path')
    const whole = sentence('Whole path')
    expect((await speak({ input: streamed, response_format: 'pcm', stream: true })).status).toBe(
      200,
    )
    expect((await speak({ input: whole, response_format: 'pcm' })).status).toBe(200)
    expect((await synthesesOf(streamed)).byRoute).toEqual({ '/tts_stream': 1 })
    expect((await synthesesOf(whole)).byRoute).toEqual({ '/tts': 1 })
  })
})
