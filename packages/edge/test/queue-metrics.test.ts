import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import { call, keys, sentence, speak, synthesesOf, testEnv } from './helpers.ts'

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 250))
  }
}

/**
 * Waits until the queue consumer has done each item: the emulator synthesized its text (its
 * nonce is this test's own) and a response entry of its format and language was stored since
 * `since`. Counting all entries would let another test's background work stand in for ours.
 */
async function warmed(
  since: number,
  /** `language` only where the item named one; 'auto' resolves by the text. */
  items: Array<{ input: string; format: string; language?: string }>,
) {
  const like = (
    item: { format: string; language?: string },
    m: { format?: string; language?: string },
  ) => m.format === item.format && (item.language === undefined || m.language === item.language)
  await until(async () => {
    for (const item of items) if ((await synthesesOf(item.input)).total < 1) return false
    const fresh = (await env.INDEX.list({ prefix: 'cache:' })).keys
      .map(
        (k) =>
          k.metadata as { kind?: string; format?: string; language?: string; created?: number },
      )
      .filter((m) => m?.kind === 'response' && (m.created ?? 0) >= since)
    return items.every(
      (item) =>
        fresh.filter((m) => like(item, m)).length >= items.filter((o) => like(o, item)).length,
    )
  })
}

describe('prefetch through the Queue', () => {
  it('answers 202 and warms the cache, so the next ask is a hit', async () => {
    const phrases = [sentence('Warm me first'), sentence('Warm me second')]
    const since = Date.now()
    const res = await call('/v1/audio/speech/prefetch', {
      method: 'POST',
      json: { inputs: phrases, voice: 'alloy', response_format: 'mp3' },
      key: keys.speech,
    })
    expect(res.status).toBe(202)
    expect(res.json()).toEqual({ queued: 2, duplicates: 0 })
    await warmed(
      since,
      phrases.map((input) => ({ input, format: 'mp3' })),
    )
    for (const input of phrases) {
      const hit = await speak({ input, response_format: 'mp3' }, { key: keys.speech })
      expect(hit.headers.get('x-tts-cache')).toBe('HIT')
      expect((await synthesesOf(input)).total).toBe(1) // the queue's, not this hit's
    }
  })

  it('takes items with their own format and language (the contract form), and refuses both forms at once', async () => {
    const items = [
      { input: sentence('Item in wav'), response_format: 'wav', language: 'en' },
      {
        input: sentence('Bonjour à tous, ceci est une phrase en français'),
        response_format: 'pcm',
      },
    ]
    const since = Date.now()
    const res = await call('/v1/audio/speech/prefetch', {
      method: 'POST',
      json: { items },
      key: keys.speech,
    })
    expect(res.status).toBe(202)
    expect(res.json()).toEqual({ queued: 2, duplicates: 0 })
    // Warmed by the queue consumer, not by the asks below: those must find it and not synthesize.
    await warmed(since, [
      { input: items[0]?.input as string, format: 'wav', language: 'en' },
      { input: items[1]?.input as string, format: 'pcm' },
    ])
    for (const i of items) {
      // Asked as it was prefetched: with its language where it named one, else 'auto'.
      const hit = await speak({ ...i }, { key: keys.speech })
      expect(hit.headers.get('x-tts-cache')).toBe('HIT')
      expect((await synthesesOf(i.input)).total).toBe(1) // the queue's, not this hit's
    }
    const both = await call('/v1/audio/speech/prefetch', {
      method: 'POST',
      json: { items, inputs: ['x'] },
      key: keys.speech,
    })
    expect(both.status).toBe(400)
    expect(both.json<{ code: string }>().code).toBe('invalid_request')
  })

  it('acks malformed messages and retries failures', async () => {
    const batch = createMessageBatch('tts-edge-synth', [
      { id: 'bad', timestamp: new Date(), attempts: 1, body: { kind: 'nonsense' } },
      {
        id: 'never',
        timestamp: new Date(),
        attempts: 1,
        body: {
          kind: 'synthesize',
          principal: { tenant: 't', scopes: ['speech'], keyId: 'k' },
          request: {
            input: 'Hello.',
            voice: 'alloy',
            language: 'tlh',
            format: 'mp3',
            speed: 1,
            stream: false,
          },
        },
      },
      {
        id: 'down',
        timestamp: new Date(),
        attempts: 1,
        body: {
          kind: 'synthesize',
          principal: { tenant: 't', scopes: ['speech'], keyId: 'k' },
          request: {
            input: sentence('Upstream is gone'),
            voice: 'alloy',
            language: 'en',
            format: 'mp3',
            speed: 1,
            stream: false,
          },
        },
      },
    ])
    const ctx = createExecutionContext()
    await worker.queue(batch, testEnv({ UPSTREAM_URL: 'http://127.0.0.1:9' }), ctx)
    const result = await getQueueResult(batch, ctx)
    expect(result.explicitAcks.sort()).toEqual(['bad', 'never'])
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['down'])
  })
})

describe('metrics', () => {
  it('exposes Prometheus text with cache results, latency quantiles and audio produced', async () => {
    const input = sentence('Measure me')
    await speak({ input, response_format: 'pcm' })
    await speak({ input, response_format: 'pcm' })
    const res = await call('/metrics', { key: keys.admin })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = new TextDecoder().decode(res.body)
    expect(text).toMatch(/tts_cache_requests\S*\{[^}]*result="hit"[^}]*\} [1-9]/)
    expect(text).toMatch(/tts_cache_requests\S*\{[^}]*result="miss"[^}]*\} [1-9]/)
    expect(text).toMatch(/tts_edge_latency\S*\{[^}]*quantile="0.95"/)
    expect(text).toMatch(/tts_audio_seconds\S* [0-9.]+/)
  })
})
