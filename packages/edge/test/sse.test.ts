import { parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { speak } from './helpers.ts'
import { openaiSdk } from './openai-sdk.ts'

/** The `data:` events of an SSE body. */
function events(body: Uint8Array): Record<string, unknown>[] {
  return new TextDecoder()
    .decode(body)
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true)
      return JSON.parse(block.slice('data: '.length)) as Record<string, unknown>
    })
}

const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))

const text = () => `Server sent events, take ${crypto.randomUUID()}. And a second sentence follows.`

describe('stream_format (OpenAI streaming forms)', () => {
  it('"sse" sends speech.audio.delta events with base64 audio, then one speech.audio.done', async () => {
    const input = text()
    const res = await speak({ input, response_format: 'wav', stream_format: 'sse' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(res.headers.get('x-tts-cache')).toBe('MISS')
    const all = events(res.body)
    const last = all.at(-1)
    expect(last).toEqual({
      type: 'speech.audio.done',
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    })
    const deltas = all.slice(0, -1)
    expect(deltas.length).toBeGreaterThan(0)
    expect(deltas.every((e) => e.type === 'speech.audio.delta')).toBe(true)
    const parts = deltas.map((e) => fromBase64(e.audio as string))
    const audio = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
    let at = 0
    for (const p of parts) {
      audio.set(p, at)
      at += p.byteLength
    }
    const wav = parseWav(audio)
    expect(wav.sampleRate).toBe(24_000)
    expect(wav.durationMs).toBeGreaterThan(1000)

    // The same audio, answered whole from the cache the stream filled, in the "audio" form.
    const hit = await speak({ input, response_format: 'wav', stream_format: 'audio' })
    expect(hit.headers.get('content-type')).toMatch(/^audio\/wav/)
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    expect(parseWav(hit.body).durationMs).toBe(wav.durationMs)
  })

  it('"sse" over a cache hit is still events, ending in done', async () => {
    const input = text()
    await speak({ input, response_format: 'pcm' })
    const res = await speak({ input, response_format: 'pcm', stream_format: 'sse' })
    expect(res.headers.get('x-tts-cache')).toBe('HIT')
    const all = events(res.body)
    expect(all.at(-1)?.type).toBe('speech.audio.done')
    const bytes = all.slice(0, -1).reduce((n, e) => n + fromBase64(e.audio as string).byteLength, 0)
    expect(bytes % 2).toBe(0)
    expect(bytes).toBeGreaterThan(24_000)
  })

  it("streams to the official openai client with stream_format 'sse'", async () => {
    const { speech, settle } = openaiSdk()
    const response = await speech({
      model: 'gpt-4o-mini-tts',
      input: text(),
      response_format: 'pcm',
      stream_format: 'sse',
    })
    const all = events(new Uint8Array(await response.arrayBuffer()))
    await settle()
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(all.at(-1)?.type).toBe('speech.audio.done')
    const bytes = all.slice(0, -1).reduce((n, e) => n + fromBase64(e.audio as string).byteLength, 0)
    expect(bytes).toBeGreaterThan(24_000)
  })

  it('refuses another stream_format with a 400 problem naming the allowed values', async () => {
    const res = await speak({ input: text(), stream_format: 'chunks' })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/problem\+json/)
    const problem = res.json<{ code: string; detail: string }>()
    expect(problem.code).toBe('invalid_request')
    expect(problem.detail).toMatch(/stream_format.*"audio" or "sse"/)
  })
})
