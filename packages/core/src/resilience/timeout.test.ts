import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isTimeoutError } from './errors.ts'
import { withTimeout } from './timeout.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('withTimeout', () => {
  it('returns the value of a call that settles in time, and leaves its signal alone', async () => {
    let seen: AbortSignal | undefined
    const result = withTimeout(async (signal) => {
      seen = signal
      return 'audio'
    }, 1000)
    await expect(result).resolves.toBe('audio')
    await vi.advanceTimersByTimeAsync(5000)
    // A response body may still be streaming on this signal.
    expect(seen?.aborted).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('passes through the failure of a call that fails in time', async () => {
    await expect(withTimeout(() => Promise.reject(new Error('refused')), 1000)).rejects.toThrow(
      'refused',
    )
  })

  it('rejects with a TimeoutError at the limit and aborts the call with it', async () => {
    let seen: AbortSignal | undefined
    const result = withTimeout((signal) => {
      seen = signal
      return new Promise<never>(() => {})
    }, 3000).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(2999)
    expect(seen?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = await result
    expect(isTimeoutError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 3000 })
    expect(seen?.reason).toBe(error)
  })

  it("rejects with the caller's reason, not a timeout, when the caller aborts", async () => {
    const controller = new AbortController()
    let seen: AbortSignal | undefined
    const result = withTimeout(
      (signal) => {
        seen = signal
        return new Promise<never>(() => {})
      },
      3000,
      { signal: controller.signal },
    ).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(100)
    controller.abort('navigated away')
    expect(await result).toBe('navigated away')
    expect(seen?.reason).toBe('navigated away')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not call fn when the signal is already aborted', async () => {
    let called = false
    const result = withTimeout(
      async () => {
        called = true
      },
      1000,
      { signal: AbortSignal.abort('early') },
    )
    await expect(result).rejects.toBe('early')
    expect(called).toBe(false)
  })

  it('uses a custom error', async () => {
    const result = withTimeout(() => new Promise<never>(() => {}), 10, {
      error: () => new Error('first byte too slow'),
    }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(10)
    expect(await result).toMatchObject({ message: 'first byte too slow' })
  })

  it('Infinity sets no timer', async () => {
    const result = withTimeout(async () => 1, Number.POSITIVE_INFINITY)
    expect(vi.getTimerCount()).toBe(0)
    await expect(result).resolves.toBe(1)
  })

  it.each([-1, Number.NaN])('rejects a limit of %d', (ms) => {
    expect(() => withTimeout(async () => 1, ms)).toThrow(/timeout must be a number of ms ≥ 0/)
  })
})
