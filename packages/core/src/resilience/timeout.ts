/**
 * @module resilience/timeout — a time limit on one async call.
 *
 * Ours rather than cockatiel's `TimeoutPolicy`, which rejects with the same
 * `TaskCancelledError` whether the time ran out or the caller aborted (we need a typed
 * `TimeoutError` for one and the caller's own reason for the other), and which by default
 * aborts its signal once the call returns — that would cut off a `fetch` response body
 * still streaming after its headers arrived within the limit.
 */

import { TtsError } from '../errors/index.ts'
import { TimeoutError } from './errors.ts'

export const MAX_TIMER_MS = 2 ** 31 - 1

/** Options of `withTimeout`. */
export interface TimeoutOptions {
  /** The caller's own signal; aborting it rejects at once with its reason. */
  signal?: AbortSignal
  /** What to reject with when the time runs out. Default a `TimeoutError` for `ms`. */
  error?: () => unknown
}

/**
 * Runs `fn` and rejects with a `TimeoutError` (code `timeout`) if it has not settled within
 * `ms`; `fn`'s signal is then aborted with that error, so a `fetch` given it stops too. The
 * signal is left alone once `fn` settles in time, so a response body can still be read.
 * `ms` may be `Infinity` for no limit.
 *
 * @example
 * // time to first byte: the headers must come within 3 s, the body may take longer
 * const res = await withTimeout((signal) => fetch(url, { signal }), 3000, { signal: request.signal })
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T> | T,
  ms: number,
  options: TimeoutOptions = {},
): Promise<T> {
  if (Number.isNaN(ms) || ms < 0) {
    throw new TtsError(
      'invalid_options',
      `timeout must be a number of ms ≥ 0 or Infinity, got ${ms}`,
    )
  }
  const { signal } = options
  if (signal?.aborted) return Promise.reject(signal.reason)
  const controller = new AbortController()
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const done = () => {
      if (timer !== undefined) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    const stop = (reason: unknown) => {
      done()
      controller.abort(reason)
      reject(reason)
    }
    const onAbort = () => stop(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    // Timers overflow past 2^31-1 ms (fire at once); a limit that far off is no limit.
    if (ms <= MAX_TIMER_MS) {
      const onTimeout = options.error ?? (() => new TimeoutError(ms))
      timer = setTimeout(() => stop(onTimeout()), ms)
    }
    Promise.resolve()
      .then(() => fn(controller.signal))
      .then(
        (value) => {
          done()
          resolve(value)
        },
        (error: unknown) => {
          done()
          reject(error)
        },
      )
  })
}
