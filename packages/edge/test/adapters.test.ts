import { parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { sentence, speak, synthesesOf } from './helpers.ts'

const openai = { UPSTREAM_ADAPTER: 'openai', VOICE_MAP: '{}' } as Partial<Env>

describe('upstream adapters', () => {
  it('openai: speaks through any /v1/audio/speech server, speed included', async () => {
    const input = sentence('Through the OpenAI style upstream')
    const normal = await speak({ input, response_format: 'wav' }, { env: openai })
    expect(normal.status).toBe(200)
    expect(normal.headers.get('x-tts-upstream')).toMatch(/^openai 127\.0\.0\.1:\d+$/)
    const fast = await speak({ input, response_format: 'wav', speed: 2 }, { env: openai })
    expect(fast.status).toBe(200)
    expect(parseWav(fast.body).durationMs).toBeLessThan(parseWav(normal.body).durationMs * 0.8)
    expect((await synthesesOf(input)).byRoute).toEqual({ '/v1/audio/speech': 2 })
  })

  it('xtts-streaming: refuses a speed it cannot honour instead of ignoring it', async () => {
    const res = await speak({
      input: sentence('Faster please'),
      response_format: 'wav',
      speed: 1.5,
    })
    expect(res.status).toBe(400)
    expect(res.json<{ code: string; detail: string }>().detail).toMatch(/speed/)
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
