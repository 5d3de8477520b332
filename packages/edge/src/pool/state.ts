/**
 * @module pool/state — what every part of the pool engine shares: the host's services, the
 * current configuration and the live members, in the configured order.
 */
import type { CircuitBreakerSnapshot } from '@tts/core/resilience'
import type { Logger } from '../observe/index.ts'
import type { PoolConfig, PoolOptions } from '../settings/index.ts'
import { PoolError } from './errors.ts'
import type { Member } from './member.ts'

/** What the engine needs from its host (the Durable Object). */
export interface EngineHost {
  env: Env
  log: Logger
  loadBreaker(id: string): Promise<CircuitBreakerSnapshot | undefined>
  saveBreaker(id: string, snapshot: CircuitBreakerSnapshot): void
  /** Asks to be woken (`wake()`) at `at` (epoch ms) to probe half-open upstreams. */
  wakeAt(at: number): void
  /** Counts an event for `/metrics`. */
  count(name: string, labels: Record<string, string>): void
}

/** The engine's shared, mutable state. */
export interface PoolState {
  readonly host: EngineHost
  config: PoolConfig | undefined
  readonly members: Map<string, Member>
}

/**
 * The members in configured order.
 *
 * @example
 * for (const m of ordered(state)) console.log(m.id)
 */
export function ordered(state: PoolState): Member[] {
  return (state.config?.upstreams ?? [])
    .map((u) => state.members.get(u.url))
    .filter((m): m is Member => m !== undefined)
}

/**
 * The pool's tuning; throws when it has not been configured yet.
 *
 * @example
 * const { ttfbMs } = optionsOf(state)
 */
export function optionsOf(state: PoolState): PoolOptions {
  if (!state.config)
    throw new PoolError('upstream_unavailable', 'the pool has no configuration yet')
  return state.config.options
}

/** The code of an error, or `unknown`. */
export function codeOf(error: unknown): string {
  return (error as { code?: string } | null)?.code ?? 'unknown'
}
