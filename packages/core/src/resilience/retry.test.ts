import { ConstantBackoff } from 'cockatiel'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HttpStatusError, isTimeoutError, TimeoutError } from './errors.ts'
import { type RetryOptions, retry } from './retry.ts'

afterEach(() => {
  vi.useRealTimers()
})

/** A clock and a sleep that only move when the test says so; the sleep records each wait. */
function fakeTime(start = 1_700_000_000_000) {
  let t = start
  const waits: number[] = []
  return {
    now: () => t,
    waits,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason
      waits.push(ms)
      t += ms
    },
  }
}

/** An `fn` that fails with each given error in turn, then returns 'ok'. */
function failing(...errors: unknown[]) {
  const calls: number[] = []
  const fn = async (attempt: number) => {
    calls.push(attempt)
    if (errors.length > 0) throw errors.shift()
    return 'ok'
  }
  return { fn, calls }
}

function opts(time: ReturnType<typeof fakeTime>, extra: RetryOptions = {}): RetryOptions {
  return { now: time.now, sleep: time.sleep, ...extra }
}

describe('retry', () => {
  it('returns the first success without waiting', async () => {
    const time = fakeTime()
    const { fn, calls } = failing()
    await expect(retry(fn, opts(time))).resolves.toBe('ok')
    expect(calls).toEqual([1])
    expect(time.waits).toEqual([])
  })

  it('retries transient failures — network errors, timeouts, 408, 429, 5xx — up to 3 times', async () => {
    const time = fakeTime()
    const { fn, calls } = failing(
      new TypeError('fetch failed'),
      new TimeoutError(3000),
      new HttpStatusError(503, 'unavailable'),
    )
    await expect(retry(fn, opts(time))).resolves.toBe('ok')
    expect(calls).toEqual([1, 2, 3, 4])
    expect(time.waits).toHaveLength(3)
  })

  it.each([408, 429, 500, 502, 503, 504])('retries status %i', async (status) => {
    const time = fakeTime()
    const { fn, calls } = failing(new HttpStatusError(status, 'x'))
    await expect(retry(fn, opts(time))).resolves.toBe('ok')
    expect(calls).toEqual([1, 2])
  })

  it('gives up after maxRetries and throws the last failure itself', async () => {
    const time = fakeTime()
    const last = new HttpStatusError(502, 'bad gateway 4')
    const { fn, calls } = failing(
      new HttpStatusError(502, '1'),
      new HttpStatusError(502, '2'),
      new HttpStatusError(502, '3'),
      last,
    )
    await expect(retry(fn, opts(time))).rejects.toBe(last)
    expect(calls).toEqual([1, 2, 3, 4])
    expect(time.waits).toHaveLength(3)
  })

  it('honours maxRetries: 0 and other counts', async () => {
    const time = fakeTime()
    const a = failing(new TypeError('x'), new TypeError('y'))
    await expect(retry(a.fn, opts(time, { maxRetries: 0 }))).rejects.toThrow('x')
    expect(a.calls).toEqual([1])
    const b = failing(new TypeError('x'), new TypeError('y'))
    await expect(retry(b.fn, opts(time, { maxRetries: 1 }))).rejects.toThrow('y')
    expect(b.calls).toEqual([1, 2])
  })

  it.each([400, 401, 403, 404, 413, 422])('passes a %i through at once', async (status) => {
    const time = fakeTime()
    const error = new HttpStatusError(status, 'client error')
    const { fn, calls } = failing(error)
    await expect(retry(fn, opts(time))).rejects.toBe(error)
    expect(calls).toEqual([1])
    expect(time.waits).toEqual([])
  })

  it('reads the status of other error shapes (ky-style error.response)', async () => {
    const time = fakeTime()
    const kyLike = Object.assign(new Error('Request failed'), {
      response: new Response('nope', { status: 404 }),
    })
    const { fn, calls } = failing(kyLike)
    await expect(retry(fn, opts(time))).rejects.toBe(kyLike)
    expect(calls).toEqual([1])
  })

  it('uses a custom isRetryable hook', async () => {
    const time = fakeTime()
    const seen: number[] = []
    const { fn, calls } = failing(new Error('a'), new Error('b'))
    const isRetryable = (_: unknown, attempt: number) => {
      seen.push(attempt)
      return attempt < 2
    }
    await expect(retry(fn, opts(time, { isRetryable }))).rejects.toThrow('b')
    expect(calls).toEqual([1, 2])
    expect(seen).toEqual([1, 2])
  })

  describe('backoff', () => {
    it('spaces attempts with decorrelated jitter: random, growing, within [0, capMs]', async () => {
      const firsts: number[] = []
      const lasts: number[] = []
      for (let run = 0; run < 200; run++) {
        const time = fakeTime()
        const { fn } = failing(...Array.from({ length: 6 }, () => new TypeError('down')))
        await retry(fn, opts(time, { maxRetries: 6, baseMs: 100, capMs: 2000 }))
        expect(time.waits).toHaveLength(6)
        for (const w of time.waits) {
          expect(w).toBeGreaterThanOrEqual(0)
          expect(w).toBeLessThanOrEqual(2000)
        }
        firsts.push(time.waits[0] ?? Number.NaN)
        lasts.push(time.waits[5] ?? Number.NaN)
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
      // Jitter: the first delay varies from run to run, around baseMs.
      expect(new Set(firsts.map(Math.round)).size).toBeGreaterThan(50)
      expect(mean(firsts)).toBeGreaterThan(30)
      expect(mean(firsts)).toBeLessThan(150)
      // Growth: by the sixth retry delays sit far above the first, capped at 2000.
      expect(mean(lasts)).toBeGreaterThan(4 * mean(firsts))
      expect(Math.max(...lasts)).toBeLessThanOrEqual(2000)
    })

    it('accepts any cockatiel backoff', async () => {
      const time = fakeTime()
      const { fn } = failing(new TypeError('a'), new TypeError('b'))
      await retry(fn, opts(time, { backoff: new ConstantBackoff(42) }))
      expect(time.waits).toEqual([42, 42])
    })

    it('tells onRetry about each wait', async () => {
      const time = fakeTime()
      const events: unknown[] = []
      const first = new TypeError('a')
      const { fn } = failing(first, new HttpStatusError(429, 'b', { retryAfterMs: 1500 }))
      await retry(
        fn,
        opts(time, { backoff: new ConstantBackoff(7), onRetry: (e) => events.push(e) }),
      )
      expect(events).toEqual([
        { attempt: 1, error: first, delayMs: 7, fromRetryAfter: false },
        expect.objectContaining({ attempt: 2, delayMs: 1500, fromRetryAfter: true }),
      ])
    })
  })

  describe('Retry-After', () => {
    it('waits exactly the seconds a response asked for', async () => {
      const time = fakeTime()
      const response = new Response(null, { status: 429, headers: { 'retry-after': '7' } })
      const { fn } = failing(HttpStatusError.fromResponse(response, time.now))
      await retry(fn, opts(time))
      expect(time.waits).toEqual([7000])
    })

    it('waits until the HTTP-date a response named', async () => {
      const time = fakeTime(Date.parse('2026-11-25T12:00:00Z'))
      const response = new Response(null, {
        status: 503,
        headers: { 'retry-after': 'Wed, 25 Nov 2026 12:00:12 GMT' },
      })
      const { fn } = failing(HttpStatusError.fromResponse(response, time.now))
      await retry(fn, opts(time))
      expect(time.waits).toEqual([12_000])
    })

    it('reads Retry-After from a ky-style error.response at failure time', async () => {
      const time = fakeTime(Date.parse('2026-11-25T12:00:00Z'))
      const kyLike = Object.assign(new Error('HTTP 503'), {
        response: new Response(null, {
          status: 503,
          headers: { 'retry-after': 'Wed, 25 Nov 2026 12:00:03 GMT' },
        }),
      })
      const { fn } = failing(kyLike)
      await retry(fn, opts(time))
      expect(time.waits).toEqual([3000])
    })

    it('gives up at once when asked to wait longer than retryAfterCapMs', async () => {
      const time = fakeTime()
      const error = new HttpStatusError(429, 'come back in an hour', { retryAfterMs: 3_600_000 })
      const { fn, calls } = failing(error)
      await expect(retry(fn, opts(time))).rejects.toBe(error)
      expect(calls).toEqual([1])
      expect(time.waits).toEqual([])
    })

    it('a Retry-After right at the cap is still honoured; the cap is configurable', async () => {
      const time = fakeTime()
      const { fn } = failing(new HttpStatusError(429, 'x', { retryAfterMs: 30_000 }))
      await expect(retry(fn, opts(time))).resolves.toBe('ok')
      expect(time.waits).toEqual([30_000])
      const b = failing(new HttpStatusError(429, 'x', { retryAfterMs: 2000 }))
      await expect(retry(b.fn, opts(time, { retryAfterCapMs: 1999 }))).rejects.toThrow('x')
    })

    it('does not make a non-retryable failure retryable', async () => {
      const time = fakeTime()
      const { fn, calls } = failing(new HttpStatusError(400, 'bad', { retryAfterMs: 10 }))
      await expect(retry(fn, opts(time))).rejects.toThrow('bad')
      expect(calls).toEqual([1])
    })

    it('uses a custom retryAfterMs hook', async () => {
      const time = fakeTime()
      const { fn } = failing(new Error('custom'))
      await retry(fn, opts(time, { retryAfterMs: () => 1234 }))
      expect(time.waits).toEqual([1234])
    })
  })

  describe('abort', () => {
    it('stops mid-backoff with the signal reason, and makes no further attempt', async () => {
      vi.useFakeTimers()
      const controller = new AbortController()
      const { fn, calls } = failing(new TypeError('down'), new TypeError('down'))
      const done = retry(fn, { signal: controller.signal, backoff: new ConstantBackoff(10_000) })
      const outcome = done.catch((e: unknown) => e)
      await vi.advanceTimersByTimeAsync(5000)
      expect(calls).toEqual([1])
      controller.abort(new DOMException('user left', 'AbortError'))
      const reason = await outcome
      expect(reason).toMatchObject({ name: 'AbortError', message: 'user left' })
      await vi.advanceTimersByTimeAsync(20_000)
      expect(calls).toEqual([1])
      expect(vi.getTimerCount()).toBe(0)
    })

    it('aborts the running attempt through its signal and does not retry it', async () => {
      const controller = new AbortController()
      let attemptSignal: AbortSignal | undefined
      const done = retry(
        (_, signal) => {
          attemptSignal = signal
          return new Promise(() => {}) // never settles by itself
        },
        { signal: controller.signal },
      )
      await Promise.resolve()
      controller.abort('gone')
      await expect(done).rejects.toBe('gone')
      expect(attemptSignal?.aborted).toBe(true)
    })

    it('does not start when the signal is already aborted', async () => {
      const { fn, calls } = failing()
      await expect(retry(fn, { signal: AbortSignal.abort('early') })).rejects.toBe('early')
      expect(calls).toEqual([])
    })
  })

  describe('deadline', () => {
    it('does not begin a wait that would end past the deadline; throws the last failure', async () => {
      const time = fakeTime()
      const error = new HttpStatusError(503, 'busy', { retryAfterMs: 5000 })
      const { fn, calls } = failing(new HttpStatusError(503, 'busy', { retryAfterMs: 5000 }), error)
      await expect(retry(fn, opts(time, { deadline: time.now() + 8000 }))).rejects.toBe(error)
      expect(calls).toEqual([1, 2])
      expect(time.waits).toEqual([5000])
    })

    it('cuts an attempt still running at the deadline with a TimeoutError, aborting its signal', async () => {
      vi.useFakeTimers()
      let attemptSignal: AbortSignal | undefined
      const done = retry(
        (_, signal) => {
          attemptSignal = signal
          return new Promise(() => {})
        },
        { deadline: Date.now() + 2000 },
      )
      const outcome = done.catch((e: unknown) => e)
      await vi.advanceTimersByTimeAsync(1999)
      expect(attemptSignal?.aborted).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      const error = await outcome
      expect(isTimeoutError(error)).toBe(true)
      expect(error).toMatchObject({ code: 'timeout', timeoutMs: 2000 })
      expect(attemptSignal?.reason).toBe(error)
      expect(vi.getTimerCount()).toBe(0)
    })

    it('does not retry after the deadline cut an attempt short', async () => {
      vi.useFakeTimers()
      const calls: number[] = []
      const done = retry(
        (attempt) => {
          calls.push(attempt)
          return new Promise(() => {})
        },
        { deadline: Date.now() + 1000, backoff: new ConstantBackoff(0) },
      )
      const outcome = done.catch((e: unknown) => e)
      await vi.advanceTimersByTimeAsync(5000)
      expect(isTimeoutError(await outcome)).toBe(true)
      expect(calls).toEqual([1])
    })

    it('throws a TimeoutError without calling fn when the deadline has passed', async () => {
      const time = fakeTime()
      const { fn, calls } = failing()
      await expect(retry(fn, opts(time, { deadline: time.now() - 1 }))).rejects.toMatchObject({
        code: 'timeout',
      })
      expect(calls).toEqual([])
    })
  })

  it.each([
    [{ maxRetries: -1 }, /maxRetries.*integer ≥ 0, got -1/],
    [{ maxRetries: 1.5 }, /maxRetries/],
    [{ baseMs: Number.NaN }, /baseMs/],
    [{ retryAfterCapMs: -5 }, /retryAfterCapMs/],
    [{ deadline: Number.NaN }, /deadline/],
  ])('rejects bad options %o', async (options, message) => {
    await expect(retry(async () => 1, options)).rejects.toThrow(message)
  })
})
