/**
 * @module pool — the `UpstreamPool` Durable Object: one view, shared by every isolate, of the
 * upstream servers (breaker, gate, health, single-flight; see `engine.ts`) and of cache
 * hit/miss counts. Each call carries the id of the caller's pool config (a hash of the
 * worker's vars); only when it differs from the object's does the caller send the config
 * itself (`configure`), so the document crosses RPC once per change, not once per call.
 * The config and breaker states are kept in storage, so a restarted object keeps an open
 * circuit open, and an alarm wakes it to probe when one's open time is up.
 */

import { DurableObject } from 'cloudflare:workers'
import { createLogger } from '@tts/core/log'
import { createMetrics } from '@tts/core/metrics'
import type { CircuitBreakerSnapshot } from '@tts/core/resilience'
import type { PoolConfig } from '../settings/index.ts'
import type { SynthesisRequest } from '../upstream/index.ts'
import {
  createPoolEngine,
  type PoolAudio,
  type PoolEngine,
  type PoolStatus,
  type SynthesisCallOptions,
} from './engine.ts'
import { type PoolFailure, toFailure } from './errors.ts'
import type { VoiceCall, VoiceValue } from './voice-call.ts'

export type { PoolAudio, PoolStatus, SynthesisCallOptions } from './engine.ts'
export type { PoolFailure } from './errors.ts'
export type { VoiceCall, VoiceValue } from './voice-call.ts'

/** Hit and miss counts since the last reset. */
export interface CacheCounters {
  hits: number
  misses: number
}

/** The answer of a voice operation. */
export type VoiceAnswer = { ok: true; value: VoiceValue } | PoolFailure

/** The object holds another config than the caller's: send it with `configure`, then retry. */
export interface NeedsConfig {
  needsConfig: true
}

/** A pool config as stored: the document and its id. */
interface StoredConfig {
  id: string
  config: PoolConfig
}

/** The pool of upstream XTTS servers. */
export class UpstreamPool extends DurableObject<Env> {
  private readonly metrics = createMetrics()
  private readonly log = createLogger({ context: { service: 'tts-edge', component: 'pool' } })
  private readonly engine: PoolEngine
  private wakeAtMs: number | undefined
  private configId = ''
  /** A configuration being applied: callers wait for it rather than apply it again. */
  private pending: { id: string; done: Promise<void> } | undefined

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.engine = createPoolEngine({
      env,
      log: this.log,
      loadBreaker: async (id) =>
        (await ctx.storage.get<CircuitBreakerSnapshot>(`breaker:${id}`)) ?? undefined,
      saveBreaker: (id, snapshot) => {
        ctx.storage.put(`breaker:${id}`, snapshot).catch((error: unknown) => {
          this.log.error('saving a breaker state failed', { error: String(error) })
        })
      },
      wakeAt: (at) => this.scheduleWake(at),
      count: (name, labels) => this.metrics.counter(name, labels).inc(),
    })
    ctx.blockConcurrencyWhile(async () => {
      const saved = await ctx.storage.get<StoredConfig>('config')
      if (saved?.id && saved.config) {
        await this.engine.configure(saved.config)
        this.configId = saved.id
      }
    })
  }

  /** Takes `config` (id `id`) as the pool's; kept so an alarm after eviction knows whom to probe. */
  async configure(id: string, config: PoolConfig): Promise<void> {
    if (id === this.configId) return
    if (this.pending?.id === id) return this.pending.done
    await this.pending?.done.catch(() => {})
    if (id === this.configId) return
    const done = (async () => {
      await this.engine.configure(config)
      this.configId = id
      await this.ctx.storage.put('config', { id, config } satisfies StoredConfig)
    })()
    this.pending = { id, done }
    try {
      await done
    } finally {
      if (this.pending?.done === done) this.pending = undefined
    }
  }

  /** Undefined when the object serves config `id` (once any change under way is done). */
  private async stale(id: string): Promise<NeedsConfig | undefined> {
    await this.pending?.done.catch(() => {})
    return id === this.configId ? undefined : { needsConfig: true }
  }

  private scheduleWake(at: number): void {
    if (this.wakeAtMs !== undefined && this.wakeAtMs <= at && this.wakeAtMs > Date.now()) return
    this.wakeAtMs = at
    this.ctx.storage.setAlarm(at).catch((error: unknown) => {
      this.log.error('setting the probe alarm failed', { error: String(error) })
    })
  }

  /** Probes upstreams whose open time is up. */
  override async alarm(): Promise<void> {
    this.wakeAtMs = undefined
    this.engine.wake()
  }

  /**
   * Synthesizes `request` through the pool (or joins the identical synthesis in flight, keyed
   * by `key`). Resolves once audio flows, with a stream of s16le PCM bytes, or with a failure.
   * `priority` orders it at the gate; `ticket` names it for `cancel`.
   */
  async synthesize(
    call: {
      configId: string
      request: SynthesisRequest
      key: string
    } & SynthesisCallOptions,
  ): Promise<PoolAudio | PoolFailure | NeedsConfig> {
    const stale = await this.stale(call.configId)
    if (stale) return stale
    try {
      const options: SynthesisCallOptions = {
        ...(call.priority ? { priority: call.priority } : {}),
        ...(call.ticket ? { ticket: call.ticket } : {}),
      }
      return await this.engine.synthesize(call.request, call.key, options)
    } catch (error) {
      return toFailure(error)
    }
  }

  /**
   * The caller of the synthesis named `ticket` left before its audio came: an AbortSignal
   * cannot cross RPC, so the worker sends this instead. `'queued'`: only if the synthesis still
   * waits for a slot (a whole answer the upstream has begun is finished for the cache).
   */
  async cancel(ticket: string, only?: 'queued'): Promise<void> {
    this.engine.cancel(ticket, only)
  }

  /** Voice identity, voices, languages or a clone, from a healthy upstream. */
  async voice(configId: string, call: VoiceCall): Promise<VoiceAnswer | NeedsConfig> {
    const stale = await this.stale(configId)
    if (stale) return stale
    try {
      return { ok: true, value: await this.engine.voiceCall(call) }
    } catch (error) {
      return toFailure(error)
    }
  }

  /** Each upstream's breaker, load and last error, for `/readyz`. */
  async status(configId: string): Promise<PoolStatus | NeedsConfig> {
    return (await this.stale(configId)) ?? this.engine.status()
  }

  /** Closes every breaker of this pool: an operator's "the server is back", and test set-up. */
  async reset(id: string, config: PoolConfig): Promise<PoolStatus> {
    await this.engine.reset(config)
    this.configId = id
    await this.ctx.storage.put('config', { id, config } satisfies StoredConfig)
    return this.engine.status()
  }

  /** The pool's counters (breaker transitions, retries, coalesced, dead letters), Prometheus text. */
  async metricsText(): Promise<string> {
    return this.metrics.toPrometheus()
  }

  /** Counts a queued synthesis that went to the dead-letter queue. */
  async countDeadLetter(): Promise<void> {
    this.metrics.counter('tts.edge.queue.dead_letters').inc()
  }

  /** Adds an isolate's batch of lookups, by cache scope (cache/counters.ts flushes them). */
  async addCacheCounts(batch: Record<string, CacheCounters>): Promise<void> {
    // One key per scope: the number of tenants does not bound a single value's size.
    const names = Object.keys(batch).map((scope) => `cache-counts:${scope}`)
    const stored = await this.ctx.storage.get<CacheCounters>(names)
    const sums: Record<string, CacheCounters> = {}
    for (const [scope, add] of Object.entries(batch)) {
      const sum = stored.get(`cache-counts:${scope}`) ?? { hits: 0, misses: 0 }
      sums[`cache-counts:${scope}`] = { hits: sum.hits + add.hits, misses: sum.misses + add.misses }
    }
    await this.ctx.storage.put(sums)
  }

  /** The hit and miss counts by cache scope; `''` holds counts from before they had one. */
  async cacheCountsByScope(): Promise<Record<string, CacheCounters>> {
    const [scoped, legacy] = await Promise.all([
      this.ctx.storage.list<CacheCounters>({ prefix: 'cache-counts:' }),
      this.ctx.storage.get<CacheCounters>('cache-counters'),
    ])
    const counts: Record<string, CacheCounters> = legacy ? { '': legacy } : {}
    for (const [name, c] of scoped) counts[name.slice('cache-counts:'.length)] = c
    return counts
  }

  /** Forgets the counts of `scope`, or all of them (`null`), with `DELETE /v1/cache`. */
  async resetCacheCounters(scope: string | null = null): Promise<void> {
    const names =
      scope === null
        ? ['cache-counters', ...(await this.ctx.storage.list({ prefix: 'cache-counts:' })).keys()]
        : [`cache-counts:${scope}`]
    // Storage deletes at most 128 keys per call.
    for (let i = 0; i < names.length; i += 128)
      await this.ctx.storage.delete(names.slice(i, i + 128))
  }
}
