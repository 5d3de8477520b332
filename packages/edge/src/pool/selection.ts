/**
 * @module pool/selection — which member serves next, and, when none can, why and when to come
 * back. Reading a breaker here never starts a probe: the caller sees the half-open members in
 * the answer and decides (see pool/probes).
 */
import type { PoolOptions } from '../settings/index.ts'
import { PoolError, toFailure, UNSERVED_CODES } from './errors.ts'
import type { Member } from './member.ts'
import { codeOf } from './state.ts'

/** Members that may serve now, best first, and those waiting for a probe. */
export interface Choice {
  ready: Member[]
  halfOpen: Member[]
}

/**
 * Closed members, best first: untried, a free slot, the shortest queue, the most weight.
 *
 * @example
 * const { ready, halfOpen } = choose(ordered(state), tried)
 */
export function choose(members: readonly Member[], tried: ReadonlySet<string>): Choice {
  const ready: Member[] = []
  const halfOpen: Member[] = []
  for (const m of members) {
    const state = m.breaker.state
    if (state === 'closed') ready.push(m)
    else if (state === 'half-open') halfOpen.push(m)
  }
  const ranked = ready
    .map((m) => ({ m, s: m.gate.stats() }))
    .sort(
      (a, b) =>
        Number(tried.has(a.m.id)) - Number(tried.has(b.m.id)) ||
        Number(a.s.inFlight >= a.s.limit) - Number(b.s.inFlight >= b.s.limit) ||
        a.s.queued - b.s.queued ||
        b.m.config.weight - a.m.config.weight,
    )
    .map((x) => x.m)
  return { ready: ranked, halfOpen }
}

/**
 * Seconds until the first circuit may let a call through (a half-open one counts as a second:
 * its probe may close it): the one `Retry-After` of every "nothing can serve" answer.
 *
 * @example
 * nextChanceS(members) // 42
 */
export function nextChanceS(members: readonly Member[]): number {
  const waits = members.map((m) => m.breaker.retryAfterMs() || 1000)
  return Math.max(1, Math.ceil((waits.length > 0 ? Math.min(...waits) : 1000) / 1000))
}

/** Seconds a caller should wait when every slot and queue place is taken. */
export function busyRetryS(maxWaitMs: number): number {
  return Math.max(1, Math.ceil(maxWaitMs / 1000))
}

/**
 * Why nothing can serve now, and when to come back.
 *
 * @example
 * throw unserved(members, options, lastError)
 */
export function unserved(
  members: readonly Member[],
  options: PoolOptions,
  lastError: unknown,
): PoolError {
  if (members.some((m) => m.breaker.state === 'closed')) {
    return new PoolError(
      'upstream_busy',
      'every upstream is busy and its wait queue is full; try again shortly',
      busyRetryS(options.maxWaitMs),
    )
  }
  const afterS = nextChanceS(members)
  if (lastError !== undefined) {
    return new PoolError(
      'upstream_unavailable',
      `the upstream failed (${codeOf(lastError)}) and its circuit is now open`,
      afterS,
    )
  }
  return new PoolError(
    'circuit_open',
    `every upstream's circuit is open after repeated failures; next try in ${afterS} s`,
    afterS,
  )
}

/**
 * A failure that tells the caller when to come back: its own `Retry-After`, else
 * `nextChanceS`.
 *
 * @example
 * flight.fail(withRetryAfter(error, members))
 */
export function withRetryAfter(error: unknown, members: readonly Member[]): unknown {
  if (typeof (error as { retryAfterS?: unknown } | null)?.retryAfterS === 'number') return error
  const failure = toFailure(error)
  if (!UNSERVED_CODES.has(failure.code)) return error
  return new PoolError(failure.code, failure.message, nextChanceS(members))
}
