import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sleep } from './http.ts'

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves a wait of 0 ms or less without a timer', async () => {
    const done = vi.fn()
    void sleep(0).then(done)
    void sleep(-25).then(done)
    await Promise.resolve()
    await Promise.resolve()
    expect(done).toHaveBeenCalledTimes(2)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with the reason when the signal has already aborted, even for 0 ms', async () => {
    const signal = AbortSignal.abort(new Error('gone'))
    await expect(sleep(0, signal)).rejects.toThrow('gone')
    await expect(sleep(100, signal)).rejects.toThrow('gone')
  })

  it('waits the time, or stops early with the reason when the signal aborts', async () => {
    const done = vi.fn()
    void sleep(100).then(done)
    await vi.advanceTimersByTimeAsync(99)
    expect(done).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toHaveBeenCalledOnce()

    const controller = new AbortController()
    const cut = sleep(10_000, controller.signal)
    controller.abort(new Error('client left'))
    await expect(cut).rejects.toThrow('client left')
    expect(vi.getTimerCount()).toBe(0)
  })
})
