import { describe, expect, it } from 'vitest'
import { createGpu } from './index.ts'

describe('gpu', () => {
  it('serves one at a time in arrival order', async () => {
    const gpu = createGpu()
    const order: number[] = []
    const jobs = [1, 2, 3, 4, 5].map(async (n) => {
      const release = await gpu.acquire()
      order.push(n)
      await new Promise((r) => setTimeout(r, 5))
      release()
    })
    expect(gpu.stats()).toMatchObject({ concurrency: 1, queued: 4 })
    await Promise.all(jobs)
    expect(order).toEqual([1, 2, 3, 4, 5])
    expect(gpu.stats()).toEqual({ concurrency: 0, maxConcurrency: 1, queued: 0 })
  })

  it('drops a waiter whose caller went away', async () => {
    const gpu = createGpu()
    const release = await gpu.acquire()
    const controller = new AbortController()
    const abandoned = gpu.acquire(controller.signal)
    const next = gpu.acquire()
    controller.abort(new Error('client left'))
    await expect(abandoned).rejects.toThrow('client left')
    release()
    const releaseNext = await next
    expect(gpu.stats()).toMatchObject({ concurrency: 1, queued: 0 })
    releaseNext()
  })
})
