/**
 * @module cache/counters — hit and miss counts that span isolates, by cache scope, for
 * `/v1/cache/stats`.
 *
 * A request writes nothing: each isolate adds its lookups up in memory, by scope, and the first
 * lookup after a flush schedules the next one `flushMs` later (in that request's `waitUntil`),
 * which sends the whole batch in one call. So an isolate writes at most once per `flushMs`
 * however busy it is, and a count reaches the totals within `flushMs` (it is lost only if the
 * isolate dies inside that window, or if the write fails twice). The counts live in Durable
 * Object instances of their own (`cache-stats-0` … `-7`), never the upstream pool's, and each
 * flush picks one at random, so no object is every isolate's hot spot; a read sums them. Before
 * this, every request wrote one (issue 17: ~8 % of a hit's CPU under `wrangler dev`).
 */
import type { CacheCounters } from '../pool/index.ts'

/** How many counter objects share the writes. */
export const COUNTER_SHARDS = 8

const shardName = (i: number): string => `cache-stats-${i}`
const shards = (env: Env) =>
  Array.from({ length: COUNTER_SHARDS }, (_, i) => env.UPSTREAM_POOL.getByName(shardName(i)))

let pending = new Map<string, CacheCounters>()
let scheduled = false

function add(into: Map<string, CacheCounters>, scope: string, c: CacheCounters): void {
  const sum = into.get(scope)
  if (sum) {
    sum.hits += c.hits
    sum.misses += c.misses
  } else into.set(scope, { hits: c.hits, misses: c.misses })
}

/**
 * Sends this isolate's pending counts now (one call to one shard). A failed send puts them back
 * for the next flush. Never throws: a lost count must not fail a request.
 *
 * @example
 * await flushCacheCounters(env)
 */
export async function flushCacheCounters(env: Env): Promise<void> {
  scheduled = false
  if (pending.size === 0) return
  const batch = pending
  pending = new Map()
  try {
    const shard = Math.floor(Math.random() * COUNTER_SHARDS)
    await env.UPSTREAM_POOL.getByName(shardName(shard)).addCacheCounts(Object.fromEntries(batch))
  } catch {
    for (const [scope, c] of batch) add(pending, scope, c)
  }
}

/**
 * Counts one cache lookup of `scope`; the first after a flush hands the next flush, `flushMs`
 * later, to `waitUntil`.
 *
 * @example
 * countCacheLookup(env, ctx.scope, true, (p) => c.executionCtx.waitUntil(p), 5000)
 */
export function countCacheLookup(
  env: Env,
  scope: string,
  hit: boolean,
  waitUntil: (promise: Promise<unknown>) => void,
  flushMs: number,
): void {
  add(pending, scope, { hits: hit ? 1 : 0, misses: hit ? 0 : 1 })
  if (scheduled) return
  scheduled = true
  waitUntil(
    new Promise((resolve) => setTimeout(resolve, flushMs)).then(() => flushCacheCounters(env)),
  )
}

/**
 * Hits and misses of `scope` (`null`: every scope) summed over the shards, plus what this
 * isolate has not flushed yet.
 *
 * @example
 * const { hits, misses } = await readCacheCounters(env, 'tenant:acme')
 */
export async function readCacheCounters(env: Env, scope: string | null): Promise<CacheCounters> {
  const parts = await Promise.all(shards(env).map((s) => s.cacheCountsByScope()))
  const sum = { hits: 0, misses: 0 }
  for (const byScope of [...parts, Object.fromEntries(pending)]) {
    for (const [s, c] of Object.entries(byScope)) {
      if (scope !== null && s !== scope) continue
      sum.hits += c.hits
      sum.misses += c.misses
    }
  }
  return sum
}

/**
 * Forgets the counts of `scope` (all of them for `null`), this isolate's pending ones too, with
 * `DELETE /v1/cache`: a purge of one tenant leaves the others' counts alone.
 */
export async function resetCacheCounters(env: Env, scope: string | null): Promise<void> {
  if (scope === null) pending = new Map()
  else pending.delete(scope)
  await Promise.all(shards(env).map((s) => s.resetCacheCounters(scope)))
}
