/**
 * Queued work under quotas (issue 18): prefetch dedupes identical items (in one request and
 * against what the tenant still has queued), has a per-tenant queue cap, is charged when
 * queued and refunded for what the cache already held. The route's sends go to a recorder in
 * front of the real dead-letter queue (nothing consumes it), and the test hands the recorded
 * messages to the consumer itself, so no background consumer races the ledger.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import type { SynthMessage } from '../src/queue/message.ts'
import { call, sentence, speak, testEnv } from './helpers.ts'

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** A fresh key of a fresh tenant, a queue recorder, and the env with both. */
async function tenant(quota?: { charsPerDay: number }, queueMax = 3) {
  const key = `tts_quota_${crypto.randomUUID()}`
  const sent: SynthMessage[] = []
  const real = env.SYNTH_DEAD_LETTERS
  const queue = {
    send: async (body: SynthMessage) => {
      sent.push(structuredClone(body))
      return real.send(body)
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<SynthMessage>>) => {
      const list = [...messages]
      for (const m of list) sent.push(structuredClone(m.body))
      return real.sendBatch(list)
    },
  } as unknown as Queue
  const overrides: Partial<Env> = {
    API_KEYS: JSON.stringify([
      {
        hash: await sha256Hex(key),
        scopes: ['speech'],
        tenant: `quota-${crypto.randomUUID()}`,
        ...(quota ? { quota } : {}),
      },
    ]),
    TENANT_QUEUE_MAX: String(queueMax),
    SYNTH_QUEUE: queue,
  }
  const prefetch = (inputs: string[]) =>
    call('/v1/audio/speech/prefetch', {
      method: 'POST',
      json: { inputs, response_format: 'wav', language: 'en' },
      key,
      env: overrides,
    })
  return { key, sent, overrides, prefetch }
}

/** Hands `bodies` to the consumer, as the Queue would; resolves with the acked ids. */
async function consume(bodies: SynthMessage[], overrides: Partial<Env>): Promise<string[]> {
  const batch = createMessageBatch<SynthMessage>(
    'tts-edge-synth',
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  )
  const ctx = createExecutionContext()
  await worker.queue(batch as MessageBatch<unknown>, testEnv(overrides), ctx)
  return [...(await getQueueResult(batch, ctx)).explicitAcks].sort()
}

describe('prefetch under quotas', () => {
  it('queues identical items once, in one request and across requests, and refuses past the tenant cap until the queue drains', async () => {
    const t = await tenant(undefined, 3)
    const [s1, s2, s3, s4] = [sentence('One'), sentence('Two'), sentence('Three'), sentence('Four')]
    const first = await t.prefetch([s1, s1, `  ${s2}`, s2])
    expect(first.status).toBe(202)
    expect(first.json()).toEqual({ queued: 2, duplicates: 2 })
    const second = await t.prefetch([s2, s3])
    expect(second.json()).toEqual({ queued: 1, duplicates: 1 })
    expect(t.sent.map((m) => m.request.input.trim())).toEqual([s1, s2, s3])

    const full = await t.prefetch([s4])
    expect(full.status).toBe(429)
    const problem = full.json<{ code: string; detail: string }>()
    expect(problem.code).toBe('queue_full')
    expect(problem.detail).toMatch(/already has 3 syntheses queued, and at most 3 may wait/)
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)

    // Done work leaves the ledger: the tenant may queue again, and a done item anew.
    expect(await consume(t.sent.splice(0), t.overrides)).toEqual(['m0', 'm1', 'm2'])
    const after = await t.prefetch([s4, s1])
    expect(after.status).toBe(202)
    expect(after.json()).toEqual({ queued: 2, duplicates: 0 })
  })

  it('charges queued characters to the key, refuses past its quota, and refunds what the cache held', async () => {
    const t = await tenant({ charsPerDay: 200 }, 50)
    const cached = sentence('Already cached')
    const fresh = sentence('Not yet')
    const warm = await speak(
      { input: cached, response_format: 'wav', language: 'en' },
      {
        key: t.key,
        env: t.overrides,
      },
    )
    expect(warm.status).toBe(200)
    const spentByWarm = 200 - Number(warm.headers.get('x-ratelimit-remaining-characters-day'))
    expect(spentByWarm).toBe(cached.length)

    const queued = await t.prefetch([cached, fresh])
    expect(queued.status).toBe(202)
    const left = 200 - cached.length - cached.length - fresh.length
    expect(queued.headers.get('x-ratelimit-remaining-characters-day')).toBe(String(left))

    const tooMuch = await t.prefetch([sentence('x'.repeat(Math.max(1, left)))])
    expect(tooMuch.status).toBe(429)
    expect(tooMuch.json<{ code: string }>().code).toBe('quota_exceeded')
    expect(t.sent).toHaveLength(2)

    // The consumer finds `cached` whole in the cache: its prepaid characters come back.
    expect(await consume(t.sent.splice(0), t.overrides)).toEqual(['m0', 'm1'])
    const probe = await t.prefetch([sentence('Probe')])
    const probeChars = t.sent[0]?.prepaid ?? 0
    expect(probe.headers.get('x-ratelimit-remaining-characters-day')).toBe(
      String(left + cached.length - probeChars),
    )
  })
})
