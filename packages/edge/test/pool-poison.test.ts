/**
 * Breaker and poison input: one request's retries count once toward an upstream's breaker,
 * and input the upstream cannot take (the emulator's `failText` fault fails one text, as the
 * real server fails on input its model cannot take) becomes a 422 that never opens a circuit.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { poolClient } from '../src/pool-client/index.ts'
import { sentence, speak, testEnv } from './helpers.ts'
import { poolEmulators, poolEnv, releasePools, warm } from './pool-helpers.ts'

afterEach(releasePools)

const statusOf = (pool: Partial<Env>) => poolClient(testEnv(pool)).status()

describe('poison input', () => {
  it('five failing asks of one poison input leave the circuit closed for other input', async () => {
    const [a] = await poolEmulators()
    // Threshold 2: before, one request's four failing attempts opened the circuit.
    const pool = poolEnv([{ url: a.url }], { breakerThreshold: 2, maxRetries: 3 })
    await warm(pool)
    const nonce = crypto.randomUUID()
    await a.faults({ failText: nonce })
    const poison = sentence(`Please read ${nonce} aloud`)
    const seen: Array<{ status: number; code: string; message: string; upstream: number }> = []
    for (let i = 0; i < 5; i++) {
      const res = await speak({ input: poison, response_format: 'wav' }, { env: pool })
      const body = res.json<{ code: string; detail: string }>()
      seen.push({
        status: res.status,
        code: body.code,
        message: body.detail,
        upstream: await a.synthesisRequests(),
      })
    }
    // The first ask fails four times (retries), the fixed-phrase probe succeeds: 422 at once.
    for (const answer of seen) {
      expect(answer.status).toBe(422)
      expect(answer.code).toBe('input_rejected')
      expect(answer.message).toMatch(/could not synthesize this text in language 'en'/)
    }
    // Remembered: the four repeats never reached the upstream.
    expect(seen.map((s) => s.upstream - (seen[0]?.upstream ?? 0))).toEqual([0, 0, 0, 0, 0])
    const status = await statusOf(pool)
    expect(status.upstreams[0]?.breaker).toBe('closed')
    expect(status.upstreams[0]?.failures).toBe(0)
    const other = await speak(
      { input: sentence('Other input'), response_format: 'wav' },
      { env: pool },
    )
    expect(other.status).toBe(200)
  })

  it('a streamed input failing once per ask: not counted (threshold 1 stays closed), the second ask is the 422', async () => {
    const [a] = await poolEmulators()
    // Threshold 1: before, the first failing ask of one bad text opened the circuit for all.
    const pool = poolEnv([{ url: a.url }], { breakerThreshold: 1 })
    await warm(pool)
    const nonce = crypto.randomUUID()
    await a.faults({ failText: nonce })
    const poison = sentence(`Stream ${nonce} please`)
    const ask = () => speak({ input: poison, response_format: 'pcm', stream: true }, { env: pool })
    // A stream that breaks is not retried on the same upstream: one failure per ask. The probe
    // that follows succeeds, so the failure is the input's and is not counted.
    const probesBefore = await a.synthesisRequests()
    const first = await ask()
    expect(first.status).toBe(502)
    expect((await a.synthesisRequests()) - probesBefore).toBe(2)
    expect((await statusOf(pool)).upstreams[0]).toMatchObject({ breaker: 'closed', failures: 0 })
    const before = await a.synthesisRequests()
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await ask()).status)
    expect(statuses).toEqual([422, 422, 422, 422])
    // The second ask's synthesis and the probe; the last three never reached the upstream.
    expect((await a.synthesisRequests()) - before).toBe(2)
    expect((await statusOf(pool)).upstreams[0]).toMatchObject({ breaker: 'closed', failures: 0 })
    const other = await speak(
      { input: sentence('Fine text'), response_format: 'pcm' },
      { env: pool },
    )
    expect(other.status).toBe(200)
  })

  it('a streamed input that fails on two upstreams is a 422, and neither breaker counts it', async () => {
    const [a, b] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }, { url: b.url }], { breakerThreshold: 1 })
    await warm(pool)
    await warm(pool)
    const nonce = crypto.randomUUID()
    await Promise.all([a.faults({ failText: nonce }), b.faults({ failText: nonce })])
    const poison = sentence(`Say ${nonce} twice`)
    const res = await speak({ input: poison, response_format: 'pcm', stream: true }, { env: pool })
    expect(res.status).toBe(422)
    expect(res.json<{ code: string }>().code).toBe('input_rejected')
    const status = await statusOf(pool)
    expect(status.upstreams.map((u) => [u.breaker, u.failures])).toEqual([
      ['closed', 0],
      ['closed', 0],
    ])
    const before = (await a.synthesisRequests()) + (await b.synthesisRequests())
    const again = await speak(
      { input: poison, response_format: 'pcm', stream: true },
      { env: pool },
    )
    expect(again.status).toBe(422)
    expect((await a.synthesisRequests()) + (await b.synthesisRequests())).toBe(before)
  })
})

describe('breaker counting', () => {
  it('one request’s retries count once; a sick upstream still opens its circuit', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { breakerThreshold: 2, maxRetries: 3 })
    await warm(pool)
    await a.faults({ errorRate: 1, errorStatus: 500 })
    const before = await a.synthesisRequests()
    const first = await speak(
      { input: sentence('Sick one'), response_format: 'wav' },
      { env: pool },
    )
    expect(first.status).toBe(502)
    expect(first.json<{ code: string }>().code).toBe('upstream_error')
    // Four attempts (and a probe that failed too: the upstream, not the input, is at fault).
    expect((await a.synthesisRequests()) - before).toBeGreaterThanOrEqual(4)
    expect((await statusOf(pool)).upstreams[0]).toMatchObject({ breaker: 'closed', failures: 1 })
    const second = await speak(
      { input: sentence('Sick two'), response_format: 'wav' },
      { env: pool },
    )
    expect(second.status).toBe(502)
    expect((await statusOf(pool)).upstreams[0]?.breaker).toBe('open')
    await a.faults({})
  })
})
