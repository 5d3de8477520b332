/**
 * @module resilience/sleep — a wait that an `AbortSignal` cuts short. cockatiel's retry waits
 * on a plain timer it cannot cancel, which is one reason `retry` here is our own.
 */

/**
 * Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts.
 *
 * @example
 * await sleep(250, request.signal)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
