/**
 * `/v1/cache/stats` per tenant, and the hit/miss counts behind it: added up per isolate and
 * written in one batch per flush window, not one Durable Object write per request.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  COUNTER_SHARDS,
  countCacheLookup,
  flushCacheCounters,
  readCacheCounters,
} from '../src/cache/counters.ts'
import { call, keys, sentence, speak } from './helpers.ts'

interface Stats {
  entries: number
  bytes: number
  responses: number
  segments: number
  hits: number
  misses: number
  hitRate: number | null
  scope: string | null
}

const statsOf = async (key: string) => (await call('/v1/cache/stats', { key })).json<Stats>()

/** What the shards hold for `scope`, without this isolate's unflushed counts. */
async function storedFor(scope: string) {
  const sum = { hits: 0, misses: 0 }
  for (let i = 0; i < COUNTER_SHARDS; i++) {
    const byScope = await env.UPSTREAM_POOL.getByName(`cache-stats-${i}`).cacheCountsByScope()
    sum.hits += byScope[scope]?.hits ?? 0
    sum.misses += byScope[scope]?.misses ?? 0
  }
  return sum
}

describe('cache stats per tenant', () => {
  it("shows a speech key its own tenant's entries and counts, an admin key every tenant's", async () => {
    // Relative to what the views show now: other tests' lookups and entries (in any order)
    // stay in the counts, and a purge resets only the purged tenant's.
    const before = {
      a: await statsOf(keys.speech),
      b: await statsOf(keys.other),
      all: await statsOf(keys.admin),
    }
    const mine = sentence('Counted for tenant a')
    const theirs = sentence('Counted for tenant b')
    await speak({ input: mine, response_format: 'pcm' }, { key: keys.speech })
    await speak({ input: mine, response_format: 'pcm' }, { key: keys.speech })
    await speak({ input: theirs, response_format: 'wav' }, { key: keys.other })
    const grew = (now: Stats, then: Stats) => ({
      entries: now.entries - then.entries,
      responses: now.responses - then.responses,
      segments: now.segments - then.segments,
      hits: now.hits - then.hits,
      misses: now.misses - then.misses,
    })

    const a = await statsOf(keys.speech)
    expect(grew(a, before.a)).toEqual({ entries: 2, responses: 1, segments: 1, hits: 1, misses: 1 })
    expect(a.scope).toBe('tenant:tenant-a')
    const b = await statsOf(keys.other)
    expect(grew(b, before.b)).toEqual({ entries: 2, responses: 1, segments: 1, hits: 0, misses: 1 })
    expect(b.scope).toBe('tenant:tenant-b')
    expect(b.bytes).toBeGreaterThan(before.b.bytes)
    const all = await statsOf(keys.admin)
    expect(grew(all, before.all)).toMatchObject({ entries: 4, hits: 1, misses: 2 })
    expect(all.scope).toBe(null)
    expect(all.bytes - before.all.bytes).toBe(a.bytes - before.a.bytes + (b.bytes - before.b.bytes))
  })
})

describe('cache counts', () => {
  it('adds lookups up in the isolate and writes them as one batch', async () => {
    const scope = `tenant:${crypto.randomUUID()}`
    const flushes: Promise<unknown>[] = []
    // A window far longer than the test: only the explicit flush below writes.
    for (const hit of [true, true, false, true, false])
      countCacheLookup(env, scope, hit, (p) => flushes.push(p), 20_000)
    expect(flushes).toHaveLength(1)
    expect(await storedFor(scope)).toEqual({ hits: 0, misses: 0 })
    // Reads include what this isolate has not written yet.
    expect(await readCacheCounters(env, scope)).toEqual({ hits: 3, misses: 2 })
    await flushCacheCounters(env)
    expect(await storedFor(scope)).toEqual({ hits: 3, misses: 2 })
    expect(await readCacheCounters(env, scope)).toEqual({ hits: 3, misses: 2 })
  })

  it('flushes by itself once the window has passed', async () => {
    const scope = `tenant:${crypto.randomUUID()}`
    const flushes: Promise<unknown>[] = []
    countCacheLookup(env, scope, true, (p) => flushes.push(p), 10)
    countCacheLookup(env, scope, false, (p) => flushes.push(p), 10)
    expect(flushes).toHaveLength(1)
    await Promise.all(flushes)
    expect(await storedFor(scope)).toEqual({ hits: 1, misses: 1 })
  })
})
