/**
 * @module breaker — the client-side circuit breaker (core's), with its state kept across
 * restarts: after a reload during an outage the edge stays skipped instead of being tried five
 * more times, each up to the full timeout. The state is core's `toJSON()` snapshot, saved on
 * every transition and restored on start; a missing or damaged snapshot starts closed.
 */
import {
  type CircuitBreaker,
  type CircuitTransition,
  createCircuitBreaker,
} from '@tts/core/resilience'
import type { QueueStorage } from '../queue/index.ts'

/** Options of `createClientBreaker`. */
export interface ClientBreakerOptions {
  threshold: number
  openMs: number
  now: () => number
  /** Where the snapshot lives (a string store); none keeps it in memory only. */
  storage?: QueueStorage | undefined
  onChange?: (transition: CircuitTransition) => void
  /** Told when the snapshot could not be saved; the breaker works on regardless. */
  onError?: (error: unknown) => void
}

/** The breaker and the promise of its restored state. */
export interface ClientBreaker {
  /** Resolves once a saved state (if any) is in place; never rejects. */
  readonly ready: Promise<void>
  /** The current breaker: a fresh one until `ready`, then the restored one. */
  current(): CircuitBreaker
}

/**
 * Makes the breaker.
 *
 * @example
 * const b = createClientBreaker({ threshold: 5, openMs: 300_000, now: Date.now, storage })
 * await b.ready
 * if (b.current().tryAcquire()) { ... }
 */
export function createClientBreaker(options: ClientBreakerOptions): ClientBreaker {
  const base = { threshold: options.threshold, openMs: options.openMs, now: options.now }
  const wire = (breaker: CircuitBreaker) => {
    breaker.on('change', (transition) => {
      options.onChange?.(transition)
      options.storage?.save(JSON.stringify(breaker.toJSON())).catch((e) => options.onError?.(e))
    })
    return breaker
  }
  let breaker = wire(createCircuitBreaker(base))
  const ready = (async () => {
    const text = await options.storage?.load().catch(() => null)
    if (!text) return
    try {
      breaker = wire(createCircuitBreaker({ ...base, initialState: JSON.parse(text) }))
    } catch {
      // a damaged snapshot: start closed
    }
  })()
  return { ready, current: () => breaker }
}

/**
 * A short, stable id of an endpoint (FNV-1a, hex), so each endpoint keeps its own saved state.
 *
 * @example
 * endpointId('https://tts.example.com') // '6f1c2a9b'
 */
export function endpointId(endpoint: string | URL): string {
  let hash = 0x811c9dc5
  for (const ch of String(endpoint).replace(/\/+$/, '')) {
    hash ^= ch.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}
