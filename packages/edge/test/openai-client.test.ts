import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { parseWav } from '@tts/core/audio'
import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import { mp3Frames, oggOpusPages } from './audio-check.ts'
import { keys, sentence, testEnv } from './helpers.ts'

/** The official client, unmodified: only its base URL and transport point at the worker. */
function client(apiKey: string) {
  const pending: ExecutionContext[] = []
  const openai = new OpenAI({
    apiKey,
    baseURL: 'http://edge.test/v1',
    maxRetries: 0,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      const ctx = createExecutionContext()
      pending.push(ctx)
      return worker.fetch(new Request(url, init), testEnv(), ctx)
    },
  })
  const settle = () => Promise.all(pending.splice(0).map((ctx) => waitOnExecutionContext(ctx)))
  return { openai, settle }
}

describe('the official openai client', () => {
  for (const format of ['mp3', 'opus', 'wav', 'pcm'] as const) {
    it(`gets playable ${format}`, async () => {
      const { openai, settle } = client(keys.speech)
      const input = sentence('The official client asks for speech')
      const response = await openai.audio.speech.create({
        model: 'tts-1',
        voice: 'alloy',
        input,
        response_format: format,
      })
      const bytes = new Uint8Array(await response.arrayBuffer())
      await settle()
      expect(response.headers.get('x-tts-cache')).toBe('MISS')
      if (format === 'mp3') expect(mp3Frames(bytes).frames).toBeGreaterThan(10)
      if (format === 'opus') expect(oggOpusPages(bytes)).toMatchObject({ opus: true, eos: true })
      if (format === 'wav') expect(parseWav(bytes).durationMs).toBeGreaterThan(500)
      if (format === 'pcm') expect(bytes.byteLength).toBeGreaterThan(24_000)
      const again = await openai.audio.speech.create({
        model: 'tts-1',
        voice: 'alloy',
        input,
        response_format: format,
      })
      expect(new Uint8Array(await again.arrayBuffer()).byteLength).toBe(bytes.byteLength)
      expect(again.headers.get('x-tts-cache')).toBe('HIT')
      await settle()
    })
  }

  it('sees errors as the client’s own typed errors', async () => {
    const { openai } = client(keys.speech)
    await expect(
      openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: '' }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError)
    const stranger = client('tts_wrong_key').openai
    await expect(
      stranger.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hi' }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
  })
})
