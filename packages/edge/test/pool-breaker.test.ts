import {
  createExecutionContext,
  env,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import worker from '../src/index.ts'
import { poolClient } from '../src/pool-client/index.ts'
import { call, keys, sentence, speak, testEnv } from './helpers.ts'
import { eventually, measured, poolEmulators, poolEnv, releasePools, warm } from './pool-helpers.ts'

afterEach(releasePools)

function statusOf(overrides: Partial<Env>) {
  return poolClient(testEnv(overrides)).status()
}

describe('circuit breaker', () => {
  it('opens after 5 failures, answers circuit_open at once without the upstream, and one probe closes it', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { maxRetries: 0, breakerOpenMs: 2000 })
    // One good answer first, so the adapter knows the speakers and each failure is a synthesis.
    expect(
      (await speak({ input: sentence('Warm'), response_format: 'wav' }, { env: pool })).status,
    ).toBe(200)
    await a.faults({ errorRate: 1, errorStatus: 500 })
    for (let i = 0; i < 5; i++) {
      const res = await speak({ input: sentence('Failing'), response_format: 'wav' }, { env: pool })
      expect(res.status).toBe(502)
      expect(res.json<{ code: string }>().code).toBe('upstream_error')
    }
    expect((await statusOf(pool)).upstreams[0]?.breaker).toBe('open')
    // The warm-up, five failures and each one's verifying probe (a 500 may be the input's
    // fault: it counts only once the fixed phrase fails too, see pool/poison).
    expect(await a.synthesisRequests()).toBe(11)

    const fast = await speak({ input: sentence('Refused'), response_format: 'wav' }, { env: pool })
    expect(fast.status).toBe(503)
    expect(fast.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(fast.json<{ code: string }>().code).toBe('circuit_open')
    expect(Number(fast.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(fast.headers.get('retry-after'))).toBeLessThanOrEqual(2)
    expect(fast.ms).toBeLessThan(1000)
    expect(await a.synthesisRequests()).toBe(11)

    // The open circuit is in the object's storage, so a restarted object keeps it open.
    const saved = await runInDurableObject(
      env.UPSTREAM_POOL.getByName(pool.POOL_NAME as string),
      (_instance, state) =>
        state.storage.get<{ state: string; openedAt: number }>(`breaker:${a.url}`),
    )
    expect(saved?.state).toBe('open')
    expect(saved?.openedAt).toBeGreaterThan(Date.now() - 10_000)

    await a.faults({})
    const opened = Date.now()
    await eventually(
      async () => (await statusOf(pool)).upstreams[0]?.breaker === 'closed',
      15_000,
      'the probe to close the circuit',
    )
    const closedAfterMs = Date.now() - opened
    // Exactly one call reached the upstream on its own: the probe, with its fixed phrase.
    expect(await a.synthesisRequests()).toBe(12)
    const ok = await speak({ input: sentence('Back again'), response_format: 'wav' }, { env: pool })
    expect(ok.status).toBe(200)
    expect(await a.synthesisRequests()).toBe(13)
    measured('breaker', {
      circuitOpenAnswerMs: Math.round(fast.ms),
      cooldownMs: 2000,
      closedByProbeAfterMs: closedAfterMs,
    })
  })

  it('probes with one of the upstream’s own voices when VOICE_MAP names none', async () => {
    const [a] = await poolEmulators()
    const pool = {
      ...poolEnv([{ url: a.url }], { maxRetries: 0, breakerThreshold: 1, breakerOpenMs: 1000 }),
      VOICE_MAP: '{}',
    }
    await a.faults({ down: true })
    const down = await speak(
      { input: sentence('No map'), voice: 'Claribel Dervla', response_format: 'wav' },
      { env: pool },
    )
    expect(down.status).toBe(503)
    expect((await statusOf(pool)).upstreams[0]?.breaker).toBe('open')
    await a.faults({})
    await eventually(
      async () => (await statusOf(pool)).upstreams[0]?.breaker === 'closed',
      15_000,
      'the probe to close the circuit',
    )
    expect((await a.stats()).syntheses).toBe(1)
  })

  it('shows each upstream on /readyz: breaker, in-flight, queue, last error, readiness', async () => {
    const [a, b] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }, { url: b.url }], {
      maxRetries: 0,
      breakerThreshold: 1,
      breakerOpenMs: 60_000,
    })
    const ready = await call('/readyz', { env: pool })
    expect(ready.status).toBe(200)
    expect(ready.json<{ status: string }>().status).toBe('ok')
    await a.faults({ down: true })
    await b.faults({ down: true })
    await speak({ input: sentence('Down one'), response_format: 'wav' }, { env: pool })
    await speak({ input: sentence('Down two'), response_format: 'wav' }, { env: pool })
    const degraded = await call('/readyz', { env: pool })
    expect(degraded.status).toBe(503)
    const body = degraded.json<{
      status: string
      upstreams: Array<{
        url: string
        breaker: string
        inFlight: number
        queued: number
        lastErrorAt: string | null
      }>
    }>()
    expect(body.status).toBe('degraded')
    expect(body.upstreams.map((u) => [u.url, u.breaker])).toEqual([
      [a.url, 'open'],
      [b.url, 'open'],
    ])
    for (const u of body.upstreams) {
      expect(u.inFlight).toBe(0)
      expect(u.queued).toBe(0)
      expect(Date.parse(u.lastErrorAt ?? '')).toBeGreaterThan(Date.now() - 60_000)
    }
    const metrics = new TextDecoder().decode((await call('/metrics', { env: pool })).body)
    // Labelled by the upstreams' names (UPSTREAMS items default to upstream-<position>), never
    // their hosts: those are for the admin /readyz detail only.
    const opened = metrics
      .split('\n')
      .filter((line) => line.includes('breaker_transitions') && line.includes('to="open"'))
      .map((line) => /upstream="([^"]*)"/.exec(line)?.[1])
    expect(opened.sort()).toEqual(['upstream-1', 'upstream-2'])
    expect(metrics).not.toContain(a.host)
    expect(metrics).not.toContain(b.host)
    await a.faults({})
    await b.faults({})
  })
})

describe('callers who leave', () => {
  it('five callers hanging up mid-stream leave the circuit closed: leaving says nothing of the upstream', async () => {
    const [a] = await poolEmulators()
    // A slot stays taken (recent first-chunk time + gpuMsPerChar × characters) after its caller
    // left (pool-gate tests that hold); kept short here, where only the breaker's count matters.
    const pool = poolEnv([{ url: a.url }], {
      maxRetries: 0,
      breakerThreshold: 5,
      ttfbMs: 1000,
      gpuMsPerChar: 0,
    })
    await warm(pool)
    for (let i = 0; i < 6; i++) {
      const ctx = createExecutionContext()
      const res = await worker.fetch(
        new Request('http://edge.test/v1/audio/speech', {
          method: 'POST',
          headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'tts-1',
            voice: 'alloy',
            language: 'en',
            response_format: 'pcm',
            stream: true,
            // Long enough to be cut while it streams: several sentences of audio.
            input: Array.from({ length: 4 }, () =>
              sentence('A long answer the caller stops listening to halfway through'),
            ).join(' '),
          }),
        }),
        testEnv(pool),
        ctx,
      )
      expect(res.status).toBe(200)
      const reader = res.body?.getReader()
      expect((await reader?.read())?.done).toBe(false)
      await reader?.cancel(new Error('the listener closed the tab'))
      await waitOnExecutionContext(ctx)
    }
    // Every abandoned synthesis has ended on the pool's side, and none counted as a failure.
    await eventually(
      async () => (await statusOf(pool)).upstreams[0]?.inFlight === 0,
      30_000,
      'the abandoned syntheses to end',
    )
    const status = (await statusOf(pool)).upstreams[0]
    expect(status?.breaker).toBe('closed')
    expect(status?.failures).toBe(0)
    const after = await speak(
      { input: sentence('Still served after they left'), response_format: 'wav' },
      { env: pool },
    )
    expect(after.status).toBe(200)
  })
})
