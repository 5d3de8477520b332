import { afterEach, describe, expect, it } from 'vitest'
import { poolClient } from '../src/pool-client/index.ts'
import { sentence, speak, testEnv } from './helpers.ts'
import { eventually, measured, poolEmulators, poolEnv, releasePools, warm } from './pool-helpers.ts'

afterEach(releasePools)

function statusOf(overrides: Partial<Env>) {
  return poolClient(testEnv(overrides)).status()
}

const same = (a: Uint8Array, b: Uint8Array) =>
  a.byteLength === b.byteLength && a.every((v, i) => v === b[i])

describe('single-flight', () => {
  it('20 concurrent identical misses: one synthesis, 20 complete identical answers', async () => {
    const [a] = await poolEmulators()
    // A first byte slow enough that all 20 arrive while the one synthesis is in flight, even on
    // a loaded machine, and a time limit far above it: a timed-out attempt would be retried as a
    // second synthesis, which is the time limit working, not single-flight failing.
    const pool = poolEnv([{ url: a.url }], { ttfbMs: 30_000 })
    await a.faults({ firstByteDelayMs: 4000 })
    const input = sentence('Twenty callers ask for the same words')
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        // Raw PCM, half of it streamed: the bytes must match whichever way they came.
        speak({ input, response_format: 'pcm', stream: i % 2 === 0 }, { env: pool }),
      ),
    )
    const wallMs = performance.now() - started
    for (const res of answers) expect(res.status).toBe(200)
    const labels = answers.map((r) => r.headers.get('x-tts-cache'))
    expect(labels.filter((l) => l === 'MISS')).toHaveLength(1)
    expect(labels.filter((l) => l === 'COALESCED')).toHaveLength(19)
    const first = answers[0]?.body ?? new Uint8Array()
    expect(first.byteLength).toBeGreaterThan(10_000)
    for (const res of answers) expect(same(res.body, first)).toBe(true)
    expect((await a.stats()).syntheses).toBe(1)
    expect(await a.synthesisRequests()).toBe(1)
    measured('single-flight 20 identical', {
      wallMs: Math.round(wallMs),
      slowestMs: Math.round(Math.max(...answers.map((r) => r.ms))),
      syntheses: 1,
    })
  })
})

describe('concurrency gate', () => {
  it('10 different misses against a one-at-a-time upstream: never more than 1 in flight', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url, maxConcurrency: 1 }], { maxQueue: 20, maxWaitMs: 60_000 })
    await a.faults({ firstByteDelayMs: 150 })
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        speak(
          { input: sentence(`Different words ${'abcdefghij'[i]}`), response_format: 'pcm' },
          {
            env: pool,
          },
        ),
      ),
    )
    const wallMs = performance.now() - started
    for (const res of answers) expect(res.status).toBe(200)
    const stats = await a.stats()
    expect(stats.syntheses).toBe(10)
    expect(stats.maxInFlight).toBe(1)
    measured('gate 10 different, limit 1', {
      wallMs: Math.round(wallMs),
      maxInFlight: stats.maxInFlight,
    })
  })

  it('with a short queue the excess get upstream_busy with Retry-After at once', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url, maxConcurrency: 1 }], { maxQueue: 2, maxWaitMs: 30_000 })
    await a.faults({ firstByteDelayMs: 700 })
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        speak(
          { input: sentence(`Queue limit ${'abcdefghij'[i]}`), response_format: 'pcm' },
          {
            env: pool,
          },
        ),
      ),
    )
    const busy = answers.filter((r) => r.status === 503)
    const served = answers.filter((r) => r.status === 200)
    expect(served.length).toBeGreaterThanOrEqual(3)
    expect(busy.length).toBeGreaterThanOrEqual(1)
    expect(served.length + busy.length).toBe(10)
    for (const res of busy) {
      expect(res.json<{ code: string }>().code).toBe('upstream_busy')
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
    const stats = await a.stats()
    expect(stats.maxInFlight).toBe(1)
    expect(stats.syntheses).toBe(served.length)
    measured('gate queue limit 2', {
      served: served.length,
      busy: busy.length,
      busyAnswerMs: Math.round(Math.max(...busy.map((r) => r.ms))),
    })
  })
})

describe('failover', () => {
  it('answers from the second upstream while the first is down; traffic returns after its probe', async () => {
    const [a, b] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }, { url: b.url }], {
      breakerThreshold: 2,
      breakerOpenMs: 1500,
      maxRetries: 2,
    })
    await a.faults({ down: true })
    const during: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await speak(
        { input: sentence('Failover'), response_format: 'wav' },
        { env: pool },
      )
      expect(res.status).toBe(200)
      expect(res.headers.get('x-tts-upstream')).toBe('upstream-2')
      during.push(Math.round(res.ms))
    }
    expect((await a.stats()).syntheses).toBe(0)
    expect((await b.stats()).syntheses).toBe(4)
    expect((await statusOf(pool)).upstreams[0]?.breaker).toBe('open')

    await a.faults({})
    const recovered = Date.now()
    await eventually(
      async () => (await statusOf(pool)).upstreams[0]?.breaker === 'closed',
      15_000,
      'the first upstream to close after its probe',
    )
    const probeMs = Date.now() - recovered
    expect((await a.stats()).syntheses).toBe(1) // the probe
    const back = await speak(
      { input: sentence('Back home'), response_format: 'wav' },
      { env: pool },
    )
    expect(back.status).toBe(200)
    expect(back.headers.get('x-tts-upstream')).toBe('upstream-1')
    expect((await a.stats()).syntheses).toBe(2)
    measured('failover', { answersWhileDownMs: during.join('/'), closedAfterRecoveryMs: probeMs })
  })
})

describe('time limits', () => {
  it('a hanging upstream: the caller has an answer within TTFB × attempts plus backoff', async () => {
    const [a] = await poolEmulators()
    // gpuMsPerChar 0: a retry on the one upstream would otherwise first wait out the GPU time
    // an abandoned call may still be using (pool-gate tests that hold).
    const pool = poolEnv([{ url: a.url }], {
      ttfbMs: 1000,
      maxRetries: 2,
      retryBaseMs: 100,
      gpuMsPerChar: 0,
    })
    await warm(pool)
    await a.reset()
    await a.faults({ hang: true })
    const res = await speak(
      { input: sentence('Hanging'), response_format: 'wav', stream: true },
      {
        env: pool,
      },
    )
    expect(res.status).toBe(504)
    expect(res.json<{ code: string }>().code).toBe('upstream_timeout')
    // 3 attempts × 1 s + 2 backoffs ≤ 0.2 s each, with room for a busy machine.
    expect(res.ms).toBeGreaterThanOrEqual(2900)
    expect(res.ms).toBeLessThan(8000)
    expect(await a.synthesisRequests()).toBe(3)
    measured('hang', { answerMs: Math.round(res.ms), attempts: 3, ttfbMs: 1000 })
  })

  it('429 with Retry-After: 2 → the retry waits at least 2 s, then succeeds', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }])
    await warm(pool)
    await a.reset()
    await a.faults({ rateLimit: { retryAfterS: 2 } })
    const pending = speak(
      { input: sentence('Rate limited'), response_format: 'wav' },
      { env: pool },
    )
    await eventually(async () => (await a.synthesisRequests()) >= 1, 5000, 'the first attempt')
    const refusedAt = performance.now()
    await a.faults({})
    const res = await pending
    expect(res.status).toBe(200)
    expect(await a.synthesisRequests()).toBe(2)
    expect(res.ms).toBeGreaterThanOrEqual(2000)
    measured('429 Retry-After 2', {
      answerMs: Math.round(res.ms),
      afterRefusalMs: Math.round(performance.now() - refusedAt),
    })
  })

  it('429 with Retry-After: 2 under a 1 s deadline → fails fast with upstream_busy', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { deadlineBaseMs: 1000, deadlinePerCharMs: 0 })
    await warm(pool)
    await a.reset()
    await a.faults({ rateLimit: { retryAfterS: 2 } })
    const res = await speak({ input: sentence('No time'), response_format: 'wav' }, { env: pool })
    expect(res.status).toBe(503)
    expect(res.json<{ code: string }>().code).toBe('upstream_busy')
    expect(res.headers.get('retry-after')).toBe('2')
    expect(res.ms).toBeLessThan(1500)
    expect(await a.synthesisRequests()).toBe(1)
    measured('429 under short deadline', { answerMs: Math.round(res.ms) })
  })
})
