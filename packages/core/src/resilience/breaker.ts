/**
 * @module resilience/breaker — a consecutive-failure circuit breaker whose whole state is a
 * small JSON value, so a Durable Object or a client can save it and restore it later (that
 * value and its checks are `breaker-state.ts`).
 *
 * Counting is cockatiel's `ConsecutiveBreaker`. The state machine around it is ours, because
 * cockatiel's `CircuitBreakerPolicy` does not fit here: it reads `Date.now()` directly (no
 * injectable clock for tests or for a Durable Object's own time), it only runs work through
 * `execute()` (a streamed response's outcome is known after the body ends, so callers need
 * `tryAcquire()` / `success()` / `failure()`), in half-open it parks every other caller until
 * the probe ends (we want them refused at once so the pool fails over), it has no
 * "time until the next probe" for `Retry-After`, and its states are numeric enums.
 */

import { ConsecutiveBreaker } from 'cockatiel'
import { TtsError } from '../errors/index.ts'
import { type CircuitBreakerSnapshot, type CircuitState, restoreSnapshot } from './breaker-state.ts'
import { httpStatusOf, isRetryableStatus, isTransientError } from './classify.ts'
import { BrokenCircuitError } from './errors.ts'

/** How the breaker should count one failed call. */
export type FailureVerdict = 'failure' | 'success' | 'ignore'

/** Options of `createCircuitBreaker`. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  threshold?: number
  /** How long the circuit stays open before one probe may go through. Default 300 000 (5 min). */
  openMs?: number
  /**
   * How long a half-open probe may stay unanswered before another probe is allowed, so a
   * probe whose result never came back cannot hold the circuit half-open for ever.
   * Default 60 000.
   */
  probeTimeoutMs?: number
  /** The clock, in ms. Default `Date.now` (wall time, so saved state survives restarts). */
  now?: () => number
  /** A value from an earlier `toJSON()` (e.g. read back from storage) to start from. */
  initialState?: CircuitBreakerSnapshot | unknown
  /**
   * How `execute()` counts an error. Default: an HTTP status that is not 408/429/5xx is a
   * success (the upstream answered); other errors that `isTransientError` would not retry —
   * the caller's abort, `circuit_open`, `upstream_busy`, bad input, our own bugs — are
   * ignored (the upstream is not to blame); anything else is a failure.
   */
  classify?: (error: unknown) => FailureVerdict
}

/** What a transition listener receives. */
export interface CircuitTransition {
  from: CircuitState
  to: CircuitState
  /** `now()` at the transition. */
  at: number
  failures: number
  /** The failure that opened the circuit, when there was one. */
  error?: unknown
}

/** `'change'` fires on every transition; the others when entering that state. */
export type CircuitEvent = 'open' | 'half-open' | 'close' | 'change'

/** A circuit breaker; see `createCircuitBreaker`. */
export interface CircuitBreaker {
  /** The current state; an open circuit whose time is up reads (and becomes) `'half-open'`. */
  readonly state: CircuitState
  /** Consecutive failures counted so far. */
  readonly failures: number
  /** Runs `fn` if the circuit allows it and counts its outcome; else throws `BrokenCircuitError`. */
  execute<T>(fn: () => Promise<T> | T): Promise<T>
  /**
   * Asks for permission to call the upstream. `true` when closed, or when half-open and no
   * probe is out (the caller becomes the probe). Every `true` must be followed by exactly one
   * of `success()`, `failure()` or `release()`.
   */
  tryAcquire(): boolean
  /** The call succeeded: resets the count; closes a half-open circuit. */
  success(): void
  /** The call failed: counts it; opens the circuit at the threshold, re-opens a half-open one. */
  failure(error?: unknown): void
  /**
   * The call ended without a verdict (e.g. the caller aborted): frees the half-open probe
   * slot. It cannot tell the probe from a call begun before the circuit opened, so call it
   * only for calls `tryAcquire()` let through.
   */
  release(): void
  /** Ms until a call may be let through: 0 unless open. */
  retryAfterMs(): number
  toJSON(): CircuitBreakerSnapshot
  /** Subscribes to transitions; returns the unsubscribe function. */
  on(event: CircuitEvent, listener: (transition: CircuitTransition) => void): () => void
}

function invalid(message: string): TtsError {
  return new TtsError('invalid_options', message)
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalid(`circuit breaker \`${name}\` must be a positive integer, got ${value}`)
  }
  return value
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw invalid(`circuit breaker \`${name}\` must be a finite number ≥ 0 (ms), got ${value}`)
  }
  return value
}

function defaultClassify(error: unknown): FailureVerdict {
  const status = httpStatusOf(error)
  if (status !== undefined) return isRetryableStatus(status) ? 'failure' : 'success'
  return isTransientError(error) ? 'failure' : 'ignore'
}

/**
 * A circuit breaker: closed → open after `threshold` consecutive failures → half-open after
 * `openMs`, when one probe at a time may pass; the probe's success closes it, its failure
 * re-opens it for another `openMs`. Transitions happen when the breaker is used or read,
 * not on a timer, so it needs no timers and restores exactly from `toJSON()`.
 *
 * @example
 * const breaker = createCircuitBreaker({ initialState: await storage.get('breaker') })
 * breaker.on('change', (t) => log.warn('breaker', t))
 * const audio = await breaker.execute(() => synthesize(text))
 * await storage.put('breaker', breaker.toJSON())
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = positiveInteger('threshold', options.threshold ?? 5)
  const openMs = nonNegative('openMs', options.openMs ?? 300_000)
  const probeTimeoutMs = nonNegative('probeTimeoutMs', options.probeTimeoutMs ?? 60_000)
  const now = options.now ?? Date.now
  const classify = options.classify ?? defaultClassify

  const counter = new ConsecutiveBreaker(threshold)
  let state: CircuitState = 'closed'
  let openedAt: number | null = null
  // A restored half-open breaker has no probe out: the old instance's probe died with it.
  let probeStartedAt: number | null = null

  if (options.initialState !== undefined && options.initialState !== null) {
    const saved = restoreSnapshot(options.initialState)
    state = saved.state
    openedAt = saved.openedAt
    counter.state = saved.failures
  }

  const listeners = new Map<CircuitEvent, Set<(t: CircuitTransition) => void>>()
  const EVENT_OF: Record<CircuitState, CircuitEvent> = {
    closed: 'close',
    open: 'open',
    'half-open': 'half-open',
  }

  function emit(transition: CircuitTransition): void {
    for (const event of [EVENT_OF[transition.to], 'change'] as const) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          listener(transition)
        } catch {
          // A broken listener must not stop the others or leave the breaker half-changed.
        }
      }
    }
  }

  function moveTo(to: CircuitState, at: number, error?: unknown): void {
    const from = state
    state = to
    probeStartedAt = null
    if (to === 'open') openedAt = at
    if (to === 'closed') {
      openedAt = null
      counter.success()
    }
    const transition: CircuitTransition = { from, to, at, failures: counter.state }
    if (error !== undefined) transition.error = error
    emit(transition)
  }

  function remainingOpenMs(at: number): number {
    // Clamped to openMs so a saved openedAt from a clock running ahead cannot lock us out.
    return Math.min(openMs, Math.max(0, (openedAt ?? at) + openMs - at))
  }

  /** Applies the one transition time alone causes: open → half-open. */
  function refresh(): number {
    const at = now()
    if (state === 'open' && remainingOpenMs(at) === 0) moveTo('half-open', at)
    return at
  }

  const breaker: CircuitBreaker = {
    get state() {
      refresh()
      return state
    },
    get failures() {
      return counter.state
    },
    tryAcquire() {
      const at = refresh()
      if (state === 'closed') return true
      if (state === 'open') return false
      if (probeStartedAt !== null && at - probeStartedAt < probeTimeoutMs) return false
      probeStartedAt = at
      return true
    },
    success() {
      const at = refresh()
      if (state === 'closed') counter.success()
      else if (state === 'half-open') moveTo('closed', at)
      // Open: a late answer to a call made before the circuit opened proves little; ignore it.
    },
    failure(error) {
      const at = refresh()
      if (state === 'closed') {
        if (counter.failure()) moveTo('open', at, error)
      } else if (state === 'half-open') {
        counter.failure()
        moveTo('open', at, error)
      }
    },
    release() {
      if (state === 'half-open') probeStartedAt = null
    },
    retryAfterMs() {
      const at = refresh()
      return state === 'open' ? remainingOpenMs(at) : 0
    },
    async execute<T>(fn: () => Promise<T> | T): Promise<T> {
      if (!breaker.tryAcquire()) throw new BrokenCircuitError(breaker.retryAfterMs())
      let value: T
      try {
        value = await fn()
      } catch (error) {
        const verdict = classify(error)
        if (verdict === 'failure') breaker.failure(error)
        else if (verdict === 'success') breaker.success()
        else breaker.release()
        throw error
      }
      breaker.success()
      return value
    },
    toJSON() {
      refresh()
      return { version: 1, state, failures: counter.state, openedAt }
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
      }
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
  }
  return breaker
}
