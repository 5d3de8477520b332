/**
 * @module speech/context — what one speech request works with: settings, the cache scope,
 * cache, synthesizer, logger, metrics and the caller. Every part is an argument (see
 * speech/wire for the real ones); nothing is replaced after construction.
 */
import type { Principal } from '../auth/index.ts'
import type { AudioCache } from '../cache/store.ts'
import type { Logger, Metrics } from '../observe/index.ts'
import type { WindowState } from '../quota/index.ts'
import type { Settings } from '../settings/index.ts'
import type { Synthesizer } from '../upstream/index.ts'

/** Per-request dependencies of the speech path. */
export interface SpeechContext {
  readonly env: Env
  readonly settings: Settings
  /** The cache scope of the caller (`*`, `tenant:…` or `key:…`): keys and single-flight. */
  readonly scope: string
  /** The cache generation of the caller's tenant (`cache/generation.ts`), in every key. */
  readonly generation: string
  readonly cache: AudioCache
  /** The upstream (through the pool); a hit never calls it. */
  readonly synthesizer: Synthesizer
  readonly log: Logger
  readonly metrics: Metrics
  readonly principal: Principal
  /** Charges the characters a miss sends to synthesis (quota/); cache hits never call it. */
  readonly meter: WorkMeter
  waitUntil(promise: Promise<unknown>): void
}

/**
 * What synthesis costs the caller: `charge` resolves to the quota windows after the charge
 * (undefined when unlimited) or rejects with a 429 problem before any upstream work.
 */
export interface WorkMeter {
  charge(chars: number): Promise<WindowState[] | undefined>
  /**
   * False when `charge` can never refuse (an unlimited key, prepaid queue work): upstream work
   * may then start before the charge. Absent: assume it may refuse.
   */
  readonly mayRefuse?: boolean
}

/** Milliseconds spent per phase, for `Server-Timing`. */
export type Timings = Record<'cache' | 'upstream' | 'encode', number>

/** The `Server-Timing` header value. */
export function serverTiming(t: Timings): string {
  return `cache;dur=${t.cache.toFixed(1)}, upstream;dur=${t.upstream.toFixed(1)}, encode;dur=${t.encode.toFixed(1)}`
}

/**
 * The cache scope of `principal` under `tenancy`: computed once per request, used by the
 * cache keys and the pool's single-flight alike, so a shared synthesis never crosses tenants.
 *
 * @example
 * scopeOf('tenant', principal) // 'tenant:acme'
 */
export function scopeOf(tenancy: Settings['cacheTenancy'], principal: Principal): string {
  return tenancy === 'shared'
    ? '*'
    : tenancy === 'key'
      ? `key:${principal.keyId}`
      : `tenant:${principal.tenant}`
}

/**
 * A speech context from its parts.
 *
 * @example
 * const ctx = createSpeechContext({ env, settings, scope, cache, synthesizer, log, metrics, principal, waitUntil })
 */
export function createSpeechContext(parts: SpeechContext): SpeechContext {
  return Object.freeze({ ...parts })
}
