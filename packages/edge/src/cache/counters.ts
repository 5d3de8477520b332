/**
 * @module cache/counters — hit and miss counts that span isolates, for `/v1/cache/stats`.
 *
 * They live in Durable Object instances of their own (`cache-stats-0` … `-7`), never in the
 * upstream pool's instance, so the hit path does not touch the pool; each request adds to one
 * shard picked at random (inside `waitUntil`, after the answer), so no single object becomes
 * the hot spot of every request, and a read sums the shards.
 */

/** How many counter objects share the writes. */
export const COUNTER_SHARDS = 8

const shardName = (i: number): string => `cache-stats-${i}`
const shards = (env: Env) =>
  Array.from({ length: COUNTER_SHARDS }, (_, i) => env.UPSTREAM_POOL.getByName(shardName(i)))

/**
 * Counts one cache lookup. Never throws: a lost count must not fail a request.
 *
 * @example
 * ctx.waitUntil(countCacheLookup(env, true))
 */
export async function countCacheLookup(env: Env, hit: boolean): Promise<void> {
  try {
    const shard = Math.floor(Math.random() * COUNTER_SHARDS)
    await env.UPSTREAM_POOL.getByName(shardName(shard)).countCache(hit)
  } catch {}
}

/** Hits and misses summed over the shards. */
export async function readCacheCounters(env: Env): Promise<{ hits: number; misses: number }> {
  const parts = await Promise.all(shards(env).map((s) => s.cacheCounters()))
  return parts.reduce((sum, p) => ({ hits: sum.hits + p.hits, misses: sum.misses + p.misses }), {
    hits: 0,
    misses: 0,
  })
}

/** Forgets the counts (with `DELETE /v1/cache`). */
export async function resetCacheCounters(env: Env): Promise<void> {
  await Promise.all(shards(env).map((s) => s.resetCacheCounters()))
}
