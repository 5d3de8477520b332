/**
 * @module resilience/gate — a concurrency gate (bulkhead): at most `limit` calls at once, a
 * bounded FIFO queue behind them, and waiters that leave at their deadline or on abort.
 *
 * Ours rather than cockatiel's `BulkheadPolicy`: there a queued call whose signal aborts
 * keeps its queue place until a slot frees (it is only then rejected), nothing bounds how
 * long a call waits, and a freed slot can be taken by a newcomer ahead of the queue. An XTTS
 * upstream serves one synthesis at a time, so waits are long and must end on time.
 */

import { TtsError } from '../errors/index.ts'
import { GateFullError, GateTimeoutError } from './errors.ts'
import { MAX_TIMER_MS } from './timeout.ts'

/** Options of `createConcurrencyGate`. */
export interface ConcurrencyGateOptions {
  /** Calls allowed at once. Default 1 (XTTS serves one synthesis at a time). */
  limit?: number
  /** Calls allowed to wait; one more is refused with `GateFullError`. Default 10. */
  maxQueue?: number
  /** The longest any call waits for a slot, in ms. Default 30 000. */
  maxWaitMs?: number
  /** The clock per-call `deadline`s are on. Default `Date.now`. */
  now?: () => number
}

/** Who waits: a person (`interactive`, the default) or work nobody waits for (`background`). */
export type GatePriority = 'interactive' | 'background'

/** Per-call options of `run` and `acquire`. */
export interface GateWaitOptions {
  /**
   * A freed slot goes to the oldest interactive waiter; background waiters get one only
   * while no interactive call waits. A function is read when a slot frees, so a waiter can
   * be raised (a person joined work that was background).
   */
  priority?: GatePriority | (() => GatePriority)
  /** Aborting while queued leaves the queue and rejects with the signal's reason. */
  signal?: AbortSignal
  /** Give up waiting at this time (on the gate's `now()` clock), if before `maxWaitMs`. */
  deadline?: number
}

/** Counts since the gate was made, and what is happening now. */
export interface GateStats {
  inFlight: number
  queued: number
  limit: number
  maxQueue: number
  /** Calls that got a slot. */
  admitted: number
  /** Calls refused at once because the queue was full. */
  rejected: number
  /** Waiters that gave up at their deadline. */
  timedOut: number
  /** Waiters whose signal aborted. */
  aborted: number
}

/** A concurrency gate; see `createConcurrencyGate`. */
export interface ConcurrencyGate {
  /** Runs `fn` in a slot, waiting for one if need be; the slot frees when `fn` settles. */
  run<T>(fn: () => Promise<T> | T, options?: GateWaitOptions): Promise<T>
  /**
   * Waits for a slot and returns its release function, for work that outlives one promise
   * (a streamed body). Call the release exactly once; later calls do nothing.
   */
  acquire(options?: GateWaitOptions): Promise<() => void>
  stats(): GateStats
}

interface Waiter {
  grant: () => void
  priority: () => GatePriority
}

function check(name: string, value: number, min: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    const what = integer ? `an integer ≥ ${min}` : `a finite number ≥ ${min} (ms)`
    throw new TtsError(
      'invalid_options',
      `concurrency gate \`${name}\` must be ${what}, got ${value}`,
    )
  }
  return value
}

/**
 * A gate that lets `limit` calls run at once and queues up to `maxQueue` more, first come
 * first served within a priority (interactive before background). A freed slot goes straight
 * to a waiter, never to a newcomer. A
 * waiter gives up with `GateTimeoutError` after `maxWaitMs` or at its own `deadline`,
 * whichever is sooner; a call that finds the queue full gets `GateFullError` at once (both
 * code `upstream_busy`).
 *
 * @example
 * const gate = createConcurrencyGate({ limit: 1, maxQueue: 4, maxWaitMs: 10_000 })
 * const audio = await gate.run(() => synthesize(text), { signal, deadline: Date.now() + 8000 })
 */
export function createConcurrencyGate(options: ConcurrencyGateOptions = {}): ConcurrencyGate {
  const limit = check('limit', options.limit ?? 1, 1, true)
  const maxQueue = check('maxQueue', options.maxQueue ?? 10, 0, true)
  const maxWaitMs = check('maxWaitMs', options.maxWaitMs ?? 30_000, 0, false)
  const now = options.now ?? Date.now

  const queue: Waiter[] = []
  let inFlight = 0
  const counts = { admitted: 0, rejected: 0, timedOut: 0, aborted: 0 }

  function takeNext(): Waiter | undefined {
    const at = queue.findIndex((w) => w.priority() === 'interactive')
    return queue.splice(Math.max(at, 0), 1)[0]
  }

  function releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      // The slot passes straight to the next waiter, so inFlight stays as it is.
      const next = takeNext()
      if (next) next.grant()
      else inFlight--
    }
  }

  function acquire(waitOptions: GateWaitOptions = {}): Promise<() => void> {
    const { signal, deadline, priority } = waitOptions
    if (signal?.aborted) {
      counts.aborted++
      return Promise.reject(signal.reason)
    }
    if (inFlight < limit) {
      inFlight++
      counts.admitted++
      return Promise.resolve(releaser())
    }
    if (queue.length >= maxQueue) {
      counts.rejected++
      return Promise.reject(new GateFullError(limit, maxQueue))
    }
    const start = now()
    const waitMs = Math.min(maxWaitMs, deadline === undefined ? maxWaitMs : deadline - start)
    if (!(waitMs > 0)) {
      counts.timedOut++
      return Promise.reject(new GateTimeoutError(Math.max(0, waitMs)))
    }

    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const leave = () => {
        const at = queue.indexOf(waiter)
        if (at >= 0) queue.splice(at, 1)
        if (timer !== undefined) clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      const onAbort = () => {
        leave()
        counts.aborted++
        reject(signal?.reason)
      }
      const waiter: Waiter = {
        grant: () => {
          leave()
          counts.admitted++
          resolve(releaser())
        },
        priority: typeof priority === 'function' ? priority : () => priority ?? 'interactive',
      }
      if (waitMs <= MAX_TIMER_MS) {
        timer = setTimeout(() => {
          leave()
          counts.timedOut++
          reject(new GateTimeoutError(waitMs))
        }, waitMs)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      queue.push(waiter)
    })
  }

  return {
    acquire,
    async run(fn, waitOptions) {
      const release = await acquire(waitOptions)
      try {
        return await fn()
      } finally {
        release()
      }
    },
    stats: () => ({ inFlight, queued: queue.length, limit, maxQueue, ...counts }),
  }
}
