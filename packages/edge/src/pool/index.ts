/**
 * @module pool — the `UpstreamPool` Durable Object: one view, shared by every isolate, of the
 * upstream and of cache hit/miss counts. For now it probes the single configured upstream
 * (for `/readyz`) and keeps the counters; issue 5 grows it into the pool of servers with
 * breakers, gates, single-flight and failover, taking over `Synthesizer` calls.
 */
import { DurableObject } from 'cloudflare:workers'
import { settingsOf } from '../settings/index.ts'
import { resolveSynthesizer } from '../upstream/index.ts'

/** Hit and miss counts since the last reset. */
export interface CacheCounters {
  hits: number
  misses: number
}

/** What `/readyz` reports about the upstream. */
export interface UpstreamHealth {
  url: string
  adapter: string | undefined
  healthy: boolean
  breaker: 'closed'
  latencyMs: number
  error?: string
}

/** The pool of upstream XTTS servers (one for now). */
export class UpstreamPool extends DurableObject<Env> {
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

  /** Probes the upstream: reachable, adapter known, languages listed. */
  async probe(): Promise<UpstreamHealth> {
    const settings = settingsOf(this.env)
    const started = performance.now()
    try {
      const upstream = await resolveSynthesizer(settings, AbortSignal.timeout(3000))
      await upstream.languages({ signal: AbortSignal.timeout(3000) })
      return {
        url: settings.upstreamUrl,
        adapter: upstream.adapter,
        healthy: true,
        breaker: 'closed',
        latencyMs: performance.now() - started,
      }
    } catch (error) {
      return {
        url: settings.upstreamUrl,
        adapter: undefined,
        healthy: false,
        breaker: 'closed',
        latencyMs: performance.now() - started,
        error: (error as { code?: string }).code ?? 'unreachable',
      }
    }
  }
}
