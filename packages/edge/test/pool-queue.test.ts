import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import { poolClient } from '../src/pool-client/index.ts'
import type { SynthMessage } from '../src/queue/message.ts'
import { call, sentence, speak, testEnv } from './helpers.ts'
import { measured, poolEmulators, poolEnv, releasePools, warm } from './pool-helpers.ts'

afterEach(releasePools)

/**
 * The real dead-letter queue (no consumer drains it) behind a recorder: the route's sends are
 * real Queue sends, and the test hands what was sent to the consumer itself, deterministically.
 */
function recordingQueue(): { queue: Queue; sent: SynthMessage[] } {
  const sent: SynthMessage[] = []
  const real = env.SYNTH_DEAD_LETTERS
  const queue = {
    send: async (body: SynthMessage, options?: QueueSendOptions) => {
      sent.push(structuredClone(body))
      return real.send(body, options)
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<SynthMessage>>) => {
      for (const m of messages) sent.push(structuredClone(m.body))
      return real.sendBatch(messages)
    },
    metrics: () => real.metrics(),
  } as unknown as Queue
  return { queue, sent }
}

async function consume(
  messages: Array<{ id: string; body: SynthMessage; attempts?: number }>,
  overrides: Partial<Env>,
) {
  const batch = createMessageBatch<SynthMessage>(
    'tts-edge-synth',
    messages.map((m) => ({
      id: m.id,
      timestamp: new Date(),
      attempts: m.attempts ?? 1,
      body: m.body,
    })),
  )
  const ctx = createExecutionContext()
  const started = performance.now()
  await worker.queue(batch as MessageBatch<unknown>, testEnv(overrides), ctx)
  const result = await getQueueResult(batch, ctx)
  return {
    acked: [...result.explicitAcks].sort(),
    retried: result.retryMessages.map((m) => m.msgId).sort(),
    ms: performance.now() - started,
  }
}

describe('deferred synthesis', () => {
  it('an outage queues the requests; after recovery each is synthesized once and then a HIT, nothing lost when a message fails mid-batch', async () => {
    const [a] = await poolEmulators()
    const recorder = recordingQueue()
    const pool = {
      // A generous time to first byte: after the cut, the emulator's one GPU may still be busy
      // with the long text, and on a loaded machine the next message must wait, not fail.
      ...poolEnv([{ url: a.url }], {
        deferOnFailure: true,
        maxRetries: 0,
        breakerThreshold: 3,
        ttfbMs: 15_000,
      }),
      SYNTH_QUEUE: recorder.queue,
    }
    await warm(pool)
    await a.reset()
    const short1 = sentence('Queued while down one')
    const long2 = sentence(
      'Queued while down two, a much longer sentence that takes the emulator well past the point where the fault cuts it off',
    )
    const short3 = sentence('Queued while down three')

    await a.faults({ down: true })
    const during = []
    for (const input of [short1, long2, short1, short3]) {
      const res = await speak({ input, response_format: 'mp3' }, { env: pool })
      expect(res.status).toBe(503)
      expect(['upstream_unavailable', 'circuit_open']).toContain(res.json<{ code: string }>().code)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      during.push(Math.round(res.ms))
    }
    // The repeated short1 is queued once (issue 18: overload must not make more work).
    expect(recorder.sent.map((m) => m.request.input)).toEqual([short1, long2, short3])
    expect(recorder.sent.every((m) => m.reason === 'deferred' && m.request.format === 'mp3')).toBe(
      true,
    )

    // The upstream is back, but cuts long answers once: the second message fails mid-batch.
    expect(await a.synthesisRequests()).toBe(3) // then the circuit opened: the 4th never went
    await a.reset()
    await a.faults({ cutAfterBytes: 250_000 })
    await poolClient(testEnv(pool)).reset()
    const messages = recorder.sent.map((body, i) => ({ id: `m${i + 1}`, body }))
    const first = await consume(messages, pool)
    expect(first.retried).toContain('m2')
    expect(first.acked).toEqual(expect.arrayContaining(['m1', 'm3']))
    // Nothing is lost: every message is acked or handed back for retry. (A message right after
    // the cut may also fail, on a connection the emulator dropped: it is retried, not lost.)
    expect([...first.acked, ...first.retried].sort()).toEqual(['m1', 'm2', 'm3'])

    await a.faults({})
    const second = await consume(
      messages.filter((m) => first.retried.includes(m.id)).map((m) => ({ ...m, attempts: 2 })),
      pool,
    )
    expect(second.acked).toEqual(first.retried)

    // The three texts once each, plus the one the emulator cut short (it counts what it
    // produced, delivered or not) and, per cut, the fixed-phrase probe that tells a sick
    // upstream from bad input (pool/poison); the duplicate request queued no message.
    const syntheses = (await a.stats()).syntheses
    expect(syntheses).toBeGreaterThanOrEqual(4)
    expect(syntheses).toBeLessThanOrEqual(3 + 2 * first.retried.length)
    for (const input of [short1, long2, short3]) {
      const hit = await speak({ input, response_format: 'mp3' }, { env: pool })
      expect(hit.status).toBe(200)
      expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    }
    expect((await a.stats()).syntheses).toBe(syntheses)
    measured('outage → queue → HIT', {
      answersDuringOutageMs: during.join('/'),
      firstBatchMs: Math.round(first.ms),
      redeliveryMs: Math.round(second.ms),
    })
  })

  it('after the last attempt a message is dead-lettered: logged and counted in /metrics', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { maxRetries: 0, queueMaxAttempts: 3 })
    await warm(pool)
    await a.faults({ down: true })
    const principal = { tenant: 'tenant-a', scopes: ['speech'], keyId: 'k-dead' }
    const body: SynthMessage = {
      kind: 'synthesize',
      principal: principal as SynthMessage['principal'],
      request: {
        input: sentence('Never made'),
        voice: 'alloy',
        language: 'en',
        format: 'wav',
        speed: 1,
        stream: false,
      },
      reason: 'deferred',
    }
    const early = await consume([{ id: 'early', body, attempts: 1 }], pool)
    expect(early.retried).toEqual(['early'])
    const last = await consume([{ id: 'last', body, attempts: 3 }], pool)
    expect(last.retried).toEqual(['last'])
    const metrics = await call('/metrics', { env: pool })
    expect(new TextDecoder().decode(metrics.body)).toMatch(/tts_edge_queue_dead_letters\S* [1-9]/)
    await a.faults({})
  })
})
