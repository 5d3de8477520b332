import { uniqueSentence } from '@tts/core/testing'
import { describe, expect, it } from 'vitest'
import { type Handler, sendProblem } from '../../test/http-server.ts'
import { testClient } from '../../test/test-client.ts'
import { isEdgeLimitError, isInputRejectedError } from '../errors/index.ts'
import type { TtsClientOptions } from '../options/index.ts'

// A fake engine is fine here: this is a unit test of how the client routes the edge's refusals.
const setup = (handler: Handler, extra: Partial<TtsClientOptions> = {}) =>
  testClient(handler, { breaker: { threshold: 2, openMs: 60_000 }, ...extra })

const quota: Handler = (_, res) =>
  sendProblem(res, 429, 'quota_exceeded', {
    'retry-after': '30',
    'x-request-id': 'req-quota',
    'x-ratelimit-limit-characters': '10',
    'x-ratelimit-remaining-characters': '0',
    'x-ratelimit-reset-characters': '30s',
  })

const limited: Handler = (_, res) => sendProblem(res, 429, 'rate_limited', { 'retry-after': '30' })

describe('the edge refusing for a limit or for the input', () => {
  it('speaks locally on quota_exceeded, says why, and never opens the breaker', async () => {
    const { client, calls, fallbacks, speech, advance } = await setup(quota)
    for (const text of ['One', 'Two', 'Three']) {
      expect(await client.synthesize(text, { language: 'en' })).toMatchObject({ provider: 'local' })
      advance(30_000) // past the Retry-After, so every call asks the edge
    }
    expect(speech()).toHaveLength(3) // a threshold of 2 would have skipped the third
    expect(client.breaker.state).toBe('closed')
    expect(calls).toHaveLength(3)
    expect(fallbacks[0]).toMatchObject({
      reason: 'quota_exceeded',
      message: 'speech quota used up for now, using device voice',
      retryAfterMs: 30_000,
      heldOffUntil: 1_030_000,
      requestId: 'req-quota',
    })
    expect(isEdgeLimitError(fallbacks[0]?.error)).toBe(true)
    expect(fallbacks[0]?.error).toMatchObject({ limits: { minute: { limit: 10, remaining: 0 } } })
    expect(client.metrics.snapshot().fallbackReasons).toEqual({ quota_exceeded: 3 })
  })

  it.each([
    ['quota_exceeded', quota],
    ['rate_limited', limited],
  ] as const)(
    'holds off the edge after %s until its Retry-After, then asks again',
    async (code, handler) => {
      const { client, calls, fallbacks, speech, advance } = await setup(handler)
      const say = async () =>
        (await client.synthesize(uniqueSentence('Held off'), { language: 'en' })).provider
      expect(await say()).toBe('local')
      expect(speech()).toHaveLength(1)
      advance(29_000)
      // Within the 30 s: the local voice at once, no request, the same reason and refusal.
      expect(await say()).toBe('local')
      expect(speech()).toHaveLength(1)
      expect(fallbacks[1]).toMatchObject({
        reason: code,
        error: fallbacks[0]?.error,
        retryAfterMs: 1_000,
        heldOffUntil: 1_030_000,
      })
      advance(1_000)
      expect(await say()).toBe('local')
      expect(speech()).toHaveLength(2) // the first call after the time asks the edge again
      expect(calls).toHaveLength(3)
      expect(fallbacks.map((f) => f.reason)).toEqual([code, code, code])
      expect(client.metrics.snapshot().fallbackReasons).toEqual({ [code]: 3 })
      expect(client.breaker.state).toBe('closed')
    },
  )

  it('without a Retry-After, a limit refusal holds nothing off', async () => {
    const { client, fallbacks, speech } = await setup((_, res) =>
      sendProblem(res, 429, 'quota_exceeded'),
    )
    await client.synthesize(uniqueSentence('Not held'), { language: 'en' })
    await client.synthesize(uniqueSentence('Not held'), { language: 'en' })
    expect(speech()).toHaveLength(2)
    expect(fallbacks[1]).not.toHaveProperty('heldOffUntil')
  })

  it('without a local engine, a held-off call throws the refusal with no request', async () => {
    const { client, speech, advance } = await setup(quota, { fallback: false })
    const first = await client.synthesize('Hello', { language: 'en' }).catch((e: unknown) => e)
    advance(10_000)
    const held = await client.synthesize('Hello', { language: 'en' }).catch((e: unknown) => e)
    expect(isEdgeLimitError(held)).toBe(true)
    expect(held).toBe(first)
    expect(speech()).toHaveLength(1)
  })

  it('without a local engine, throws quota_exceeded at once (no retry) with its figures', async () => {
    const { client, speech } = await setup(quota, { fallback: false, maxRetries: 3 })
    const error = await client.synthesize('Hello', { language: 'en' }).catch((e: unknown) => e)
    expect(isEdgeLimitError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'quota_exceeded', retryAfterMs: 30_000 })
    expect(speech()).toHaveLength(1)
  })

  it('speaks input_rejected locally, counted apart, the breaker untouched', async () => {
    const { client, calls, fallbacks } = await setup((_, res) =>
      sendProblem(res, 422, 'input_rejected', { 'x-request-id': 'req-422' }),
    )
    const out = await client.synthesize('Zzzz', { language: 'en' })
    expect(out).toMatchObject({ provider: 'local' })
    expect(calls.map((c) => c.text)).toEqual(['Zzzz'])
    expect(fallbacks[0]).toMatchObject({
      reason: 'input_rejected',
      message: 'the speech service cannot say this text, using device voice',
      requestId: 'req-422',
    })
    expect(isInputRejectedError(fallbacks[0]?.error)).toBe(true)
    expect(client.metrics.snapshot().fallbackReasons).toEqual({ input_rejected: 1 })
    expect(client.breaker.state).toBe('closed')
  })

  it('without a local engine, throws InputRejectedError once', async () => {
    const { client, speech } = await setup((_, res) => sendProblem(res, 422, 'input_rejected'), {
      fallback: false,
    })
    const error = await client.synthesize('Zzzz', { language: 'en' }).catch((e: unknown) => e)
    expect(isInputRejectedError(error)).toBe(true)
    expect(speech()).toHaveLength(1)
  })

  it("reports the edge's {queued, duplicates} in the warm event", async () => {
    const { client } = await setup((req, res) => {
      if (req.url === '/v1/audio/speech/prefetch') {
        res.writeHead(202, { 'content-type': 'application/json' })
        res.end('{"queued":1,"duplicates":1}')
        return
      }
      res.destroy()
    })
    await client.synthesize('First', { language: 'en' })
    await client.synthesize('Second', { language: 'en' })
    const events: unknown[] = []
    client.on('warm', (e) => events.push(e))
    await expect.poll(() => client.pendingWarm()).toBe(2)
    // Two callers at once share one flush: one event, its counts whole.
    expect(await Promise.all([client.warm(), client.warm()])).toEqual([2, 2])
    expect(events).toEqual([{ sent: 2, queued: 1, duplicates: 1 }])
  })

  it('keeps the warm queue on queue_full and reports the error', async () => {
    const { client } = await setup((req, res) => {
      if (req.url === '/v1/audio/speech/prefetch')
        return sendProblem(res, 429, 'queue_full', { 'retry-after': '60' })
      res.destroy()
    })
    await client.synthesize('First', { language: 'en' })
    const errors: unknown[] = []
    client.on('error', (e) => errors.push(e.error))
    await expect.poll(() => client.pendingWarm()).toBe(1)
    expect(await client.warm()).toBe(0)
    expect(await client.pendingWarm()).toBe(1)
    expect(errors).toEqual([expect.objectContaining({ code: 'queue_full' })])
  })
})
