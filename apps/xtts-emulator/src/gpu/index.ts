/**
 * @module gpu — the emulated GPU: one synthesis at a time, the rest wait in arrival order
 * (xtts-streaming-server's handlers are synchronous and its maintainers say it is not meant
 * for concurrent streaming). Counts how many ever ran at once, to prove the serialisation.
 */

/** What the GPU has seen. */
export interface GpuStats {
  /** Syntheses running now (0 or 1 by construction). */
  concurrency: number
  /** The most that ever ran at once. */
  maxConcurrency: number
  /** Requests waiting for the GPU now. */
  queued: number
}

/** A one-slot FIFO lock. */
export interface Gpu {
  /** Waits for the GPU; resolves to a release function, rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void>
  stats(): GpuStats
  reset(): void
}

/**
 * @example
 * const release = await gpu.acquire(signal)
 * try { await synthesize() } finally { release() }
 */
export function createGpu(): Gpu {
  const waiting: Array<() => void> = []
  let concurrency = 0
  let maxConcurrency = 0

  const start = (): (() => void) => {
    concurrency++
    maxConcurrency = Math.max(maxConcurrency, concurrency)
    let released = false
    return () => {
      if (released) return
      released = true
      concurrency--
      waiting.shift()?.()
    }
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason)
      if (concurrency === 0 && waiting.length === 0) return Promise.resolve(start())
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const index = waiting.indexOf(next)
          if (index >= 0) waiting.splice(index, 1)
          reject(signal?.reason)
        }
        const next = () => {
          signal?.removeEventListener('abort', onAbort)
          resolve(start())
        }
        waiting.push(next)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    stats: () => ({ concurrency, maxConcurrency, queued: waiting.length }),
    reset() {
      maxConcurrency = concurrency
    },
  }
}
