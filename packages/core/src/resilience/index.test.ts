import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ConstantBackoff,
  createCircuitBreaker,
  createConcurrencyGate,
  HttpStatusError,
  isBrokenCircuitError,
  isTimeoutError,
  retry,
  withTimeout,
} from './index.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** An upstream the test scripts: each call takes the next behaviour from the list. */
function scriptedUpstream(script: Array<'ok' | 'down' | 'hang' | 503 | 404>) {
  let calls = 0
  const call = (signal: AbortSignal): Promise<string> => {
    const step = script[calls++] ?? 'ok'
    if (step === 'ok') return Promise.resolve(`audio ${calls}`)
    if (step === 'down') return Promise.reject(new TypeError('fetch failed'))
    if (step === 'hang') {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      )
    }
    return Promise.reject(new HttpStatusError(step, `HTTP ${step}`))
  }
  return { call, calls: () => calls }
}

describe('the policies composed as the edge uses them', () => {
  function setup(script: Parameters<typeof scriptedUpstream>[0]) {
    const upstream = scriptedUpstream(script)
    const breaker = createCircuitBreaker({ threshold: 3, openMs: 60_000 })
    const gate = createConcurrencyGate({ limit: 1, maxQueue: 2, maxWaitMs: 5000 })
    const synthesize = (signal?: AbortSignal) =>
      retry(
        (_, attemptSignal) =>
          breaker.execute(() =>
            gate.run(() => withTimeout((s) => upstream.call(s), 3000, { signal: attemptSignal })),
          ),
        { backoff: new ConstantBackoff(100), ...(signal ? { signal } : {}) },
      )
    return { upstream, breaker, gate, synthesize }
  }

  it('rides out transient failures and a hung call', async () => {
    const { upstream, breaker, synthesize } = setup(['down', 'hang', 'ok'])
    const result = synthesize()
    await vi.advanceTimersByTimeAsync(100 + 3000 + 100)
    await expect(result).resolves.toBe('audio 3')
    expect(upstream.calls()).toBe(3)
    expect(breaker.state).toBe('closed')
  })

  it('stops retrying once the breaker opens, then recovers through one probe', async () => {
    const { upstream, breaker, synthesize } = setup(['down', 503, 'hang', 'ok'])
    const first = synthesize().catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(10_000)
    const error = await first
    // Three failures opened the circuit; the fourth attempt was refused, not sent.
    expect(isBrokenCircuitError(error)).toBe(true)
    expect(upstream.calls()).toBe(3)
    expect(breaker.state).toBe('open')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(breaker.state).toBe('half-open')
    await expect(synthesize()).resolves.toBe('audio 4')
    expect(breaker.state).toBe('closed')
  })

  it('a 404 goes straight back to the caller and does not hurt the breaker', async () => {
    const { upstream, breaker, synthesize } = setup([404])
    await expect(synthesize()).rejects.toMatchObject({ status: 404 })
    expect(upstream.calls()).toBe(1)
    expect(breaker.failures).toBe(0)
  })

  it("the caller's abort stops a hung call and counts against nothing", async () => {
    const { breaker, gate, synthesize } = setup(['hang'])
    const controller = new AbortController()
    const result = synthesize(controller.signal).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(1000)
    controller.abort(new DOMException('bye', 'AbortError'))
    expect(await result).toMatchObject({ name: 'AbortError' })
    expect(breaker.failures).toBe(0)
    expect(gate.stats().inFlight).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('timeouts are typed so they can be told from other failures', async () => {
    const { synthesize } = setup(['hang', 'hang', 'hang', 'hang'])
    const result = synthesize().catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(4 * 3000 + 3 * 100)
    // The third timeout opened the breaker (threshold 3), so the last answer is circuit_open.
    expect(isBrokenCircuitError(await result)).toBe(true)
    const solo = withTimeout(() => new Promise(() => {}), 50).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(50)
    expect(isTimeoutError(await solo)).toBe(true)
  })
})
