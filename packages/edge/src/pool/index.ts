/**
 * @module pool — the `UpstreamPool` Durable Object: one view, shared by every isolate, of the
 * upstream servers (breaker, gate, health, single-flight; see `engine.ts`) and of cache
 * hit/miss counts. Callers send the pool's config with each call (it comes from the worker's
 * vars), so every isolate and the object agree on it; breaker states are kept in storage so a
 * restarted object keeps an open circuit open, and an alarm wakes it to probe when one's open
 * time is up.
 */

import { DurableObject } from 'cloudflare:workers'
import { createLogger } from '@tts/core/log'
import { createMetrics } from '@tts/core/metrics'
import type { CircuitBreakerSnapshot } from '@tts/core/resilience'
import type { PoolConfig } from '../settings/pool.ts'
import type { Latents, SynthesisRequest, UpstreamVoice, VoiceRef } from '../upstream/index.ts'
import { createPoolEngine, type PoolAudio, type PoolEngine, type PoolStatus } from './engine.ts'
import { type PoolFailure, toFailure } from './errors.ts'

/** Hit and miss counts since the last reset. */
export interface CacheCounters {
  hits: number
  misses: number
}

/** A metadata call the pool routes to a healthy upstream. */
export type MetaCall =
  | { op: 'voiceIdentity'; voice: VoiceRef }
  | { op: 'voices' }
  | { op: 'languages' }
  | { op: 'cloneVoice'; wav: Uint8Array }

/** What a metadata call returns. */
export type MetaValue = string | string[] | UpstreamVoice[] | Latents

/** The answer of a metadata call. */
export type MetaAnswer = { ok: true; value: MetaValue } | PoolFailure

/** The pool of upstream XTTS servers. */
export class UpstreamPool extends DurableObject<Env> {
  private readonly metrics = createMetrics()
  private readonly log = createLogger({ context: { service: 'tts-edge', component: 'pool' } })
  private readonly engine: PoolEngine
  private wakeAtMs: number | undefined
  private configJson = ''

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
      const saved = await ctx.storage.get<PoolConfig>('config')
      if (saved) await this.engine.configure(saved)
    })
  }

  private async configure(config: PoolConfig): Promise<void> {
    const json = JSON.stringify(config)
    if (json === this.configJson) return
    this.configJson = json
    await this.engine.configure(config)
    // Kept so an alarm after eviction knows whom to probe, and how.
    await this.ctx.storage.put('config', config)
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
   */
  async synthesize(call: {
    config: PoolConfig
    request: SynthesisRequest
    key: string
  }): Promise<PoolAudio | PoolFailure> {
    try {
      await this.configure(call.config)
      return await this.engine.synthesize(call.request, call.key)
    } catch (error) {
      return toFailure(error)
    }
  }

  /** Voice identity, voices, languages or a clone, from the first healthy upstream. */
  async meta(config: PoolConfig, call: MetaCall): Promise<MetaAnswer> {
    try {
      await this.configure(config)
      const value = await this.engine.meta<MetaValue>((synth, signal): Promise<MetaValue> => {
        switch (call.op) {
          case 'voiceIdentity':
            return synth.voiceIdentity(call.voice, { signal })
          case 'voices':
            return synth.voices({ signal })
          case 'languages':
            return synth.languages({ signal })
          case 'cloneVoice':
            return synth.cloneVoice(call.wav, { signal })
        }
      })
      return { ok: true, value }
    } catch (error) {
      return toFailure(error)
    }
  }

  /** Each upstream's breaker, load and last error, for `/readyz`. */
  async status(config: PoolConfig): Promise<PoolStatus> {
    await this.configure(config)
    return this.engine.status()
  }

  /** Closes every breaker of this pool: an operator's "the server is back", and test set-up. */
  async reset(config: PoolConfig): Promise<PoolStatus> {
    await this.configure(config)
    await this.engine.reset(config)
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

  /** Counts one cache lookup. */
  async countCache(hit: boolean): Promise<void> {
    const counters = await this.cacheCounters()
    if (hit) counters.hits++
    else counters.misses++
    await this.ctx.storage.put('cache-counters', counters)
  }

  /** The hit and miss counts. */
  async cacheCounters(): Promise<CacheCounters> {
    return (await this.ctx.storage.get<CacheCounters>('cache-counters')) ?? { hits: 0, misses: 0 }
  }

  /** Forgets the counts (with `DELETE /v1/cache`). */
  async resetCacheCounters(): Promise<void> {
    await this.ctx.storage.delete('cache-counters')
  }
}
