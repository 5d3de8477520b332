/**
 * Bad input at the speech routes (issue 18): names of Object.prototype's members as voices,
 * limits after Unicode normalisation, the cap on sentences, and conditional headers that only
 * apply to audio served from the cache.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import type { SynthMessage } from '../src/queue/message.ts'
import { MAX_SENTENCES } from '../src/speech/limits.ts'
import { call, keys, sentence, speak, synthesesOf, testEnv } from './helpers.ts'

const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty']

type Problem = { code: string; detail: string; error: { param: string | null } }

function expectUnknownVoice(a: { status: number; headers: Headers; json<T>(): T }) {
  expect(a.status).toBe(400)
  expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const problem = a.json<Problem>()
  expect(problem.code).toBe('unknown_voice')
  // Names what is allowed: the OpenAI names, and where the rest are listed.
  expect(problem.detail).toMatch(/alloy/)
  expect(problem.detail).toMatch(/GET \/v1\/voices/)
  expect(problem.error.param).toBe('voice')
}

describe('names of Object.prototype members', () => {
  for (const voice of PROTOTYPE_NAMES) {
    it(`voice ${JSON.stringify(voice)} is a 400 naming the voices on every speech route`, async () => {
      const input = sentence('Prototype voice')
      expectUnknownVoice(await speak({ input, voice, response_format: 'wav' }))
      expectUnknownVoice(await speak({ input, voice, stream: true }))
      expectUnknownVoice(await speak({ input, voice, stream_format: 'sse' }))
      const query = new URLSearchParams({ input, voice, response_format: 'mp3' })
      expectUnknownVoice(await call(`/v1/audio/speech?${query}`, { key: keys.speech }))
      const prefetch = await call('/v1/audio/speech/prefetch', {
        json: { items: [{ input, voice }] },
        key: keys.speech,
      })
      expectUnknownVoice(prefetch)
      const shorthand = await call('/v1/audio/speech/prefetch', {
        json: { inputs: [input], voice },
        key: keys.speech,
      })
      expectUnknownVoice(shorthand)
      expect((await synthesesOf(input)).total).toBe(0)
      // The voices route knows only cloned ids: such a name is no voice of this key.
      const deleted = await call(`/v1/voices/${voice}`, { method: 'DELETE', key: keys.voices })
      expect(deleted.status).toBe(404)
      expect(deleted.json<Problem>().code).toBe('not_found')
    })
  }

  it('a queued request with such a voice is acknowledged at once, never retried', async () => {
    const messages = PROTOTYPE_NAMES.map((voice, i) => ({
      id: `proto-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: {
        kind: 'synthesize',
        principal: { tenant: 'tenant-a', scopes: ['speech'], keyId: 'k-proto' },
        request: {
          input: sentence('Queued prototype voice'),
          voice,
          language: 'en',
          format: 'mp3',
          speed: 1,
          stream: false,
        },
        reason: 'prefetch',
      } as SynthMessage,
    }))
    const batch = createMessageBatch<SynthMessage>('tts-edge-synth', messages)
    const ctx = createExecutionContext()
    await worker.queue(batch as MessageBatch<unknown>, testEnv(), ctx)
    const result = await getQueueResult(batch, ctx)
    expect([...result.explicitAcks].sort()).toEqual(messages.map((m) => m.id).sort())
    expect(result.retryMessages).toEqual([])
  })

  it('a prefetch with an unsupported language is refused before anything is queued', async () => {
    const res = await call('/v1/audio/speech/prefetch', {
      json: { inputs: [sentence('Prefetch language')], language: 'xx-constructor' },
      key: keys.speech,
    })
    expect(res.status).toBe(400)
    expect(res.json<Problem>().code).toBe('unsupported_language')
  })
})

describe('input limits', () => {
  it('checks the length after normalisation: 4096 × U+FB2C becomes 12288 characters', async () => {
    const res = await speak({ input: `${'\uFB2C'.repeat(4096 - 37)} ${crypto.randomUUID()}` })
    expect(res.status).toBe(400)
    const problem = res.json<Problem & { normalisedLength: number; maxLength: number }>()
    expect(problem.code).toBe('invalid_request')
    expect(problem.detail).toMatch(/after Unicode normalisation/)
    expect(problem.normalisedLength).toBeGreaterThan(4096)
    expect(problem.maxLength).toBe(4096)
    expect(problem.error.param).toBe('input')
  })

  it('refuses a text with no letter or digit (invisible, combining or symbol characters only)', async () => {
    for (const input of ['\u200B\u0301\u200D', '\u0000\u0001', '… — !?', '\u202E\uFEFF']) {
      const res = await speak({ input, response_format: 'wav' })
      expect(res.status).toBe(400)
      expect(res.json<Problem>().detail).toMatch(/no letters or digits/)
    }
  })

  it('speaks the sentences around ones with nothing to speak (emoji, dots) instead of failing', async () => {
    const before = sentence('Before the emoji')
    const after = sentence('After the dots')
    const res = await speak({
      input: `${before} 👩‍👩‍👧‍👦👍. … ?! ${after}`,
      language: 'en',
      response_format: 'wav',
    })
    expect(res.status).toBe(200)
    expect((await synthesesOf(before)).total).toBe(1)
    expect((await synthesesOf(after)).total).toBe(1)
  })

  it('counts characters as code points, as the schema does: 4096 emoji pass the length checks', async () => {
    const res = await speak({
      input: `${'👍'.repeat(4096 - 40)} ${crypto.randomUUID()}`,
      voice: 'constructor',
    })
    // Past both length checks, it reaches the voice, which is the first thing wrong with it.
    expect(res.json<Problem>().code).toBe('unknown_voice')
  })

  it(`refuses more than ${MAX_SENTENCES} distinct sentences before any synthesis`, async () => {
    const lead = sentence('Too many sentences')
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel']
    const rest = Array.from(
      { length: MAX_SENTENCES },
      (_, i) => `Say ${words[i % 8]} ${words[Math.floor(i / 8) % 8]} ${i}.`,
    )
    const input = [lead, ...rest].join(' ')
    expect(input.length).toBeLessThanOrEqual(4096)
    for (const extra of [{}, { stream: true }]) {
      const res = await speak({ input, language: 'en', response_format: 'wav', ...extra })
      expect(res.status).toBe(400)
      const problem = res.json<Problem & { sentences: number; maxSentences: number }>()
      expect(problem.code).toBe('invalid_request')
      expect(problem.detail).toMatch(/distinct sentences/)
      expect(problem.sentences).toBeGreaterThan(MAX_SENTENCES)
      expect(problem.maxSentences).toBe(MAX_SENTENCES)
    }
    expect((await synthesesOf(lead)).total).toBe(0)
  })
})

describe('conditional headers', () => {
  it('a miss sent with If-None-Match: * gets its audio (200); the same ask, now cached, gets 304', async () => {
    const input = sentence('Conditional miss')
    const conditional = { 'if-none-match': '*', 'if-modified-since': new Date().toUTCString() }
    const miss = await speak({ input, response_format: 'wav' }, { headers: conditional })
    expect(miss.status).toBe(200)
    expect(miss.headers.get('x-tts-cache')).toBe('MISS')
    expect(new TextDecoder().decode(miss.body.subarray(0, 4))).toBe('RIFF')
    expect(miss.body.byteLength).toBeGreaterThan(44)

    const streamed = await speak(
      { input: sentence('Conditional stream'), response_format: 'wav', stream: true },
      { headers: conditional },
    )
    expect(streamed.status).toBe(200)
    expect(streamed.body.byteLength).toBeGreaterThan(44)

    const hit = await speak({ input, response_format: 'wav' }, { headers: conditional })
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    expect(hit.status).toBe(304)
    expect(hit.body.byteLength).toBe(0)
  })
})

describe('text in a script its language does not read', () => {
  // 15 letters drawn from Arabic's 28: 72 bits, so no other test asks for the same text.
  const arabic = () => {
    const letters = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي'
    const pick = () =>
      letters[(crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) % letters.length]
    return Array.from({ length: 3 }, () => Array.from({ length: 5 }, pick).join('')).join(' ')
  }

  it('Arabic script sent as en is a 422 input_rejected naming the fix, and as ar it is spoken', async () => {
    const input = arabic()
    const wrong = await speak({ input, language: 'en', response_format: 'wav' })
    expect(wrong.status).toBe(422)
    const problem = wrong.json<Problem>()
    expect(problem.code).toBe('input_rejected')
    expect(problem.detail).toMatch(/language 'en'/)
    expect(problem.detail).toMatch(/'auto'/)
    // A Latin word in the sentence does not make the Arabic letters readable as English.
    const mixed = await speak({ input: `${arabic()} ${arabic()} ok`, language: 'en' })
    expect(mixed.status).toBe(422)
    expect(mixed.json<Problem>().code).toBe('input_rejected')
    const right = await speak({ input, language: 'ar', response_format: 'wav' })
    expect(right.status).toBe(200)
    expect(right.headers.get('content-type')).toBe('audio/wav')
  })
})
