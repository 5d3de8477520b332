import { describe, expect, it } from 'vitest'
import { createRateCounter, type Limiter, type RateBatching } from './rate.ts'

const BATCHING: RateBatching = { batch: 8, flushMs: 250, recheckMs: 1_000 }

/** A fixed-window limiter as the binding documents it: allowed while below the limit, `delta` added. */
function windowLimiter(limit: number) {
  const calls: Array<{ key: string; delta: number }> = []
  const counts = new Map<string, number>()
  let failing: Error | undefined
  const limiter: Limiter = {
    async limit({ key, delta = 1 }) {
      if (failing) throw failing
      calls.push({ key, delta })
      const count = counts.get(key) ?? 0
      if (count >= limit) return { success: false }
      counts.set(key, count + delta)
      return { success: true }
    },
  }
  return {
    limiter,
    calls,
    counted: (key: string) => counts.get(key) ?? 0,
    newWindow: () => counts.clear(),
    fail: (error: Error | undefined) => {
      failing = error
    },
  }
}

/** A clock moved by hand. */
function harness(batching = BATCHING) {
  let now = 0
  const rates = createRateCounter(batching, () => now)
  return {
    rates,
    admit: (limiter: Limiter, key: string) =>
      rates.admit(limiter, key, (p) => {
        p.catch(() => {})
      }),
    /** Lets the hand-overs started so far finish. */
    async settle() {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
    },
    advance(ms: number) {
      now += ms
    },
  }
}

describe('rate counter', () => {
  it('counts every request, in far fewer limiter calls than requests', async () => {
    const upstream = windowLimiter(1_000)
    const h = harness()
    for (let i = 0; i < 101; i++) expect(await h.admit(upstream.limiter, 'k1')).toBe(true)
    await h.settle()
    // The first waited alone; the other 100 went in batches of 8; 4 wait for a later request.
    expect(upstream.counted('k1')).toBe(97)
    expect(h.rates.pending()).toBe(4)
    expect(upstream.calls).toHaveLength(1 + 12)
    expect(upstream.calls[0]).toEqual({ key: 'k1', delta: 1 })
    h.advance(BATCHING.flushMs)
    await h.admit(upstream.limiter, 'k1')
    await h.settle()
    expect(upstream.counted('k1')).toBe(102)
    expect(h.rates.pending()).toBe(0)
  })

  it("waits for the limiter on a key's first request, so a key already past its limit is refused at once", async () => {
    const upstream = windowLimiter(0)
    const h = harness()
    expect(await h.admit(upstream.limiter, 'k2')).toBe(false)
    expect(upstream.calls).toEqual([{ key: 'k2', delta: 1 }])
  })

  it('hands fewer than a batch over with the first request flushMs after the oldest', async () => {
    const upstream = windowLimiter(1_000)
    const h = harness()
    for (let i = 0; i < 3; i++) await h.admit(upstream.limiter, 'k3')
    h.advance(BATCHING.flushMs - 1)
    await h.admit(upstream.limiter, 'k3')
    await h.settle()
    expect(upstream.counted('k3')).toBe(1)
    h.advance(1)
    await h.admit(upstream.limiter, 'k3')
    await h.settle()
    expect(upstream.counted('k3')).toBe(5)
  })

  it('refuses a key the limiter refused without asking again until recheckMs, then asks', async () => {
    const upstream = windowLimiter(20)
    const h = harness()
    let allowed = 0
    for (let i = 0; i < 60; i++) {
      if (await h.admit(upstream.limiter, 'k4')) allowed++
      await h.settle()
    }
    // Past the limit by at most two batches: the binding allows the one that crosses it, and
    // the next gathers before its refusal is known.
    expect(allowed).toBeGreaterThanOrEqual(20)
    expect(allowed).toBeLessThanOrEqual(20 + 2 * BATCHING.batch)
    const calls = upstream.calls.length
    expect(await h.admit(upstream.limiter, 'k4')).toBe(false)
    expect(upstream.calls.length).toBe(calls)
    upstream.newWindow()
    h.advance(BATCHING.recheckMs)
    expect(await h.admit(upstream.limiter, 'k4')).toBe(true)
    expect(upstream.calls.length).toBe(calls + 1)
  })

  it("keeps each key's count apart", async () => {
    const upstream = windowLimiter(5)
    const h = harness()
    for (let i = 0; i < 30; i++) {
      await h.admit(upstream.limiter, 'greedy')
      await h.settle()
    }
    expect(await h.admit(upstream.limiter, 'greedy')).toBe(false)
    expect(await h.admit(upstream.limiter, 'modest')).toBe(true)
  })

  it('keeps a count the limiter failed to take, and the next request waits for it', async () => {
    const upstream = windowLimiter(1_000)
    const h = harness()
    await h.admit(upstream.limiter, 'k5')
    upstream.fail(new Error('limiter down'))
    for (let i = 0; i < BATCHING.batch; i++) await h.admit(upstream.limiter, 'k5')
    await h.settle()
    expect(h.rates.pending()).toBe(BATCHING.batch)
    await expect(h.admit(upstream.limiter, 'k5')).rejects.toThrow('limiter down')
    upstream.fail(undefined)
    expect(await h.admit(upstream.limiter, 'k5')).toBe(true)
    expect(upstream.calls.at(-1)).toEqual({ key: 'k5', delta: 1 + BATCHING.batch })
    expect(upstream.counted('k5')).toBe(2 + BATCHING.batch)
  })
})
