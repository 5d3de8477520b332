/**
 * The official OpenAI SDK, unmodified, against the worker: playable audio in every format, its
 * own typed errors with our detail, streamed reads, and `instructions` accepted.
 */
import { parseWav } from '@tts/core/audio'
import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { decodeFlac } from '../src/encode/flac-decode.ts'
import { mp3Frames, oggOpusPages } from './audio-check.ts'
import { sentence } from './helpers.ts'
import { openaiSdk } from './openai-sdk.ts'

describe('the official openai client', () => {
  for (const format of ['mp3', 'opus', 'wav', 'pcm', 'flac'] as const) {
    it(`gets playable ${format}`, async () => {
      const { speech, settle } = openaiSdk()
      const input = sentence('The official client asks for speech')
      const response = await speech({ input, response_format: format })
      const bytes = new Uint8Array(await response.arrayBuffer())
      await settle()
      expect(response.headers.get('x-tts-cache')).toBe('MISS')
      if (format === 'mp3') expect(mp3Frames(bytes).frames).toBeGreaterThan(10)
      if (format === 'opus') expect(oggOpusPages(bytes)).toMatchObject({ opus: true, eos: true })
      if (format === 'wav') expect(parseWav(bytes).durationMs).toBeGreaterThan(500)
      if (format === 'pcm') expect(bytes.byteLength).toBeGreaterThan(24_000)
      if (format === 'flac') expect(decodeFlac(bytes).samples.length).toBeGreaterThan(12_000)
      const again = await speech({ input, response_format: format })
      expect(new Uint8Array(await again.arrayBuffer()).byteLength).toBe(bytes.byteLength)
      expect(again.headers.get('x-tts-cache')).toBe('HIT')
      // A hit asked no server, so it names none.
      expect(response.headers.get('x-tts-upstream')).toBe('default')
      expect(again.headers.get('x-tts-upstream')).toBe('cache')
      await settle()
    })
  }

  it('sees errors as the client’s own typed errors, with our detail, code and field', async () => {
    const { speech } = openaiSdk()
    const empty = await speech({ input: '' }).catch((error: unknown) => error)
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError)
    const bad = empty as InstanceType<typeof OpenAI.BadRequestError>
    expect(bad.message).toBe('400 the request json is invalid — input: `input` must not be empty')
    expect(bad.code).toBe('invalid_request')
    expect(bad.param).toBe('input')
    expect(bad.type).toBe('invalid_request_error')

    const format = await speech({
      input: sentence('An unknown format'),
      // A value outside OpenAI's list, so the type system needs telling.
      response_format: 'midi' as 'mp3',
    }).catch((error: unknown) => error)
    expect(format).toBeInstanceOf(OpenAI.BadRequestError)
    expect((format as InstanceType<typeof OpenAI.APIError>).code).toBe('unsupported_format')
    expect((format as InstanceType<typeof OpenAI.APIError>).param).toBe('response_format')
    expect((format as InstanceType<typeof OpenAI.APIError>).message).toMatch(
      /^400 response_format "midi" is not supported/,
    )

    const stranger = openaiSdk('tts_wrong_key')
    const denied = await stranger.speech({ input: 'hi' }).catch((error: unknown) => error)
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((denied as InstanceType<typeof OpenAI.APIError>).code).toBe('unauthorized')
    expect((denied as InstanceType<typeof OpenAI.APIError>).type).toBe('authentication_error')
    expect((denied as InstanceType<typeof OpenAI.APIError>).message).not.toContain('tts_wrong_key')
  })

  it('streams: the official client reads the audio as it comes', async () => {
    const { speech, settle } = openaiSdk()
    // Two sentences, so the edge sends the first one's audio before the second is synthesized.
    const input = `${sentence('The first streamed sentence')} ${sentence('And a second one')}`
    const response = await speech({
      input,
      response_format: 'flac',
      // Our extension; the client sends body fields it does not know as they are.
      ...({ stream: true } as object),
    })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const chunks: Uint8Array[] = []
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value)
    await settle()
    expect(chunks.length).toBeGreaterThan(1)
    const whole = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const c of chunks) {
      whole.set(c, at)
      at += c.length
    }
    expect(decodeFlac(whole).samples.length).toBeGreaterThan(24_000)
  })

  it('accepts OpenAI’s `instructions` and ignores it', async () => {
    const { speech, settle } = openaiSdk()
    const input = sentence('Instructions are accepted')
    // gpt-4o-mini-tts: the model OpenAI takes `instructions` with.
    const plain = await speech({ model: 'gpt-4o-mini-tts', input, response_format: 'wav' })
    const plainBytes = new Uint8Array(await plain.arrayBuffer())
    await settle()
    const styled = await speech({
      model: 'gpt-4o-mini-tts',
      input,
      response_format: 'wav',
      instructions: 'Speak in a cheerful tone.',
    })
    // Ignored, so the same audio: a cache hit of the plain request.
    expect(styled.headers.get('x-tts-cache')).toBe('HIT')
    expect(new Uint8Array(await styled.arrayBuffer())).toEqual(plainBytes)
    await settle()
  })
})
