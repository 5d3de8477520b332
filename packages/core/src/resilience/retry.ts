/**
 * @module resilience/retry — retries with decorrelated-jitter backoff that honour
 * `Retry-After`, retry only transient failures, stop at once on abort, and keep to an
 * overall deadline.
 *
 * The delays come from cockatiel's `ExponentialBackoff` with its `decorrelatedJitterGenerator`
 * (Polly's "DecorrelatedJitterV2"); any cockatiel backoff can be passed instead. The loop is
 * ours, because cockatiel's `RetryPolicy` waits on a timer no signal can cut short, has no
 * way to take a server's `Retry-After` as the next delay, and knows no overall deadline.
 */

import { ExponentialBackoff, type IBackoff, type IBackoffFactory } from 'cockatiel'
import { TtsError } from '../errors/index.ts'
import { isTransientError, retryAfterOf } from './classify.ts'
import { TimeoutError } from './errors.ts'
import { sleep as defaultSleep } from './sleep.ts'
import { withTimeout } from './timeout.ts'

/** What `onRetry` hears before each wait. */
export interface RetryEvent {
  /** The attempt that failed (1 = the first call). */
  attempt: number
  error: unknown
  /** How long we now wait before the next attempt. */
  delayMs: number
  /** True when the delay is the server's `Retry-After` rather than our backoff. */
  fromRetryAfter: boolean
}

/** Options of `retry`. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3 (so at most 4 calls). */
  maxRetries?: number
  /** The backoff's first delay, in ms. Default 200. */
  baseMs?: number
  /** The longest single backoff delay, in ms. Default 10 000. */
  capMs?: number
  /**
   * The longest `Retry-After` we wait for, in ms. A server asking for more gets no retry:
   * the error is thrown at once, so the caller can fail over or pass the wait on. Default 30 000.
   */
  retryAfterCapMs?: number
  /** Aborting stops everything at once, also mid-backoff; `retry` rejects with its reason. */
  signal?: AbortSignal
  /**
   * When to give up entirely, on the `now()` clock (epoch ms by default). An attempt still
   * running then is abandoned with a `TimeoutError`, and no wait that would end past it begins.
   */
  deadline?: number
  /** Which failures are worth another try. Default `isTransientError`. */
  isRetryable?: (error: unknown, attempt: number) => boolean
  /** How long a failure asked us to wait, in ms. Default `retryAfterOf` (HttpStatusError, ky). */
  retryAfterMs?: (error: unknown) => number | undefined
  /** The backoff between attempts. Default decorrelated jitter from `baseMs`, capped at `capMs`. */
  backoff?: IBackoffFactory<unknown>
  /** The wait between attempts; must reject when the signal aborts. Default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** The clock `deadline` is on. Default `Date.now`. */
  now?: () => number
  /** Called before each wait, e.g. to log or count retries. */
  onRetry?: (event: RetryEvent) => void
}

function check(name: string, value: number, integer = false): number {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    const what = integer ? 'an integer ≥ 0' : 'a finite number ≥ 0 (ms)'
    throw new TtsError('invalid_options', `retry \`${name}\` must be ${what}, got ${value}`)
  }
  return value
}

/**
 * Calls `fn` until it succeeds, a failure is not retryable, the retries run out, the signal
 * aborts or the deadline comes. It then rejects with the last failure itself (so its status
 * and `Retry-After` reach the caller), with `signal.reason` on abort, or with a
 * `TimeoutError` (code `timeout`) when the deadline cut an attempt short.
 *
 * `fn` gets the attempt number (1 for the first call) and a signal that aborts when the
 * caller aborts or the deadline passes; pass it to `fetch`.
 *
 * @example
 * const res = await retry(async (attempt, signal) => {
 *   const res = await fetch(url, { method: 'POST', body, signal })
 *   if (!res.ok) throw HttpStatusError.fromResponse(res)
 *   return res
 * }, { signal: request.signal, deadline: Date.now() + 10_000 })
 */
export async function retry<T>(
  fn: (attempt: number, signal: AbortSignal) => Promise<T> | T,
  options: RetryOptions = {},
): Promise<T> {
  const maxRetries = check('maxRetries', options.maxRetries ?? 3, true)
  const baseMs = check('baseMs', options.baseMs ?? 200)
  const capMs = check('capMs', options.capMs ?? 10_000)
  const retryAfterCapMs = check('retryAfterCapMs', options.retryAfterCapMs ?? 30_000)
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const isRetryable = options.isRetryable ?? isTransientError
  const retryAfterMs = options.retryAfterMs ?? ((error: unknown) => retryAfterOf(error, now))
  const backoffFactory =
    options.backoff ?? new ExponentialBackoff({ initialDelay: baseMs, maxDelay: capMs })
  const { signal, deadline } = options
  if (deadline !== undefined && Number.isNaN(deadline)) {
    throw new TtsError('invalid_options', 'retry `deadline` must be a time in ms, got NaN')
  }
  const budgetMs = deadline === undefined ? undefined : Math.max(0, deadline - now())

  let backoff: IBackoff<unknown> | undefined
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason
    const left = deadline === undefined ? undefined : deadline - now()
    if (left !== undefined && left <= 0) {
      throw new TimeoutError(budgetMs ?? 0, `deadline passed before attempt ${attempt}`)
    }
    try {
      // Raced, not only signalled, so an attempt that ignores its signal cannot outlive us.
      return await withTimeout((attemptSignal) => fn(attempt, attemptSignal), left ?? Infinity, {
        ...(signal ? { signal } : {}),
        error: () => new TimeoutError(budgetMs ?? 0, `deadline passed during attempt ${attempt}`),
      })
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      if (attempt > maxRetries || !isRetryable(error, attempt)) throw error
      // A deadline that cut this attempt short leaves no time for another.
      if (deadline !== undefined && now() >= deadline) throw error

      const asked = retryAfterMs(error)
      let delayMs: number
      if (asked !== undefined) {
        // Coming back sooner than the server asked only earns another refusal.
        if (asked > retryAfterCapMs) throw error
        delayMs = asked
      } else {
        backoff = backoff ? backoff.next(undefined) : backoffFactory.next(undefined)
        delayMs = backoff.duration
      }
      if (deadline !== undefined && now() + delayMs >= deadline) throw error
      options.onRetry?.({ attempt, error, delayMs, fromRetryAfter: asked !== undefined })
      await sleep(delayMs, signal)
    }
  }
}
