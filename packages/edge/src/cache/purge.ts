/**
 * @module cache/purge — the cron job: deletes expired entries, then evicts the least recently
 * used until the cache fits `maxBytes`.
 */
import { scanIndex } from './index-scan.ts'
import type { AudioCache } from './store.ts'

/** What a purge did. */
export interface PurgeReport {
  expired: number
  evicted: number
  /** R2 objects with no index entry (a store that failed between R2 and KV), deleted. */
  orphans: number
  remainingEntries: number
  remainingBytes: number
}

/**
 * Purges the cache as of `now`.
 *
 * @example
 * ctx.waitUntil(purgeCache(env.INDEX, env.AUDIO, cache, { now: controller.scheduledTime, maxBytes }))
 */
export async function purgeCache(
  kv: KVNamespace,
  r2: R2Bucket,
  cache: Pick<AudioCache, 'delete'>,
  options: { now: number; maxBytes: number; staleGraceMs?: number },
): Promise<PurgeReport> {
  const live: { key: string; size: number; lastUsed: number; stale: boolean }[] = []
  const indexed = new Set<string>()
  const grace = options.staleGraceMs ?? 0
  let expired = 0
  for await (const { key, meta } of scanIndex(kv)) {
    indexed.add(key)
    if (meta.expires + grace <= options.now) {
      await cache.delete(key)
      expired++
    } else {
      // An expired entry still inside the grace is kept only as a STALE fallback for outages.
      live.push({
        key,
        size: meta.size,
        lastUsed: meta.lastUsed,
        stale: meta.expires <= options.now,
      })
    }
  }
  let bytes = live.reduce((sum, e) => sum + e.size, 0)
  // Past the size cap, stale copies go first, then the least recently used.
  live.sort((a, b) => Number(b.stale) - Number(a.stale) || a.lastUsed - b.lastUsed)
  let evicted = 0
  while (bytes > options.maxBytes && evicted < live.length) {
    const victim = live[evicted]
    if (!victim) break
    await cache.delete(victim.key)
    bytes -= victim.size
    evicted++
  }
  const orphans = await sweepOrphans(r2, indexed, options.now)
  return {
    expired,
    evicted,
    orphans,
    remainingEntries: live.length - evicted,
    remainingBytes: bytes,
  }
}

/** An object younger than this may be a store in flight (R2 written, KV not yet): left alone. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000

async function sweepOrphans(
  r2: R2Bucket,
  indexed: ReadonlySet<string>,
  now: number,
): Promise<number> {
  let orphans = 0
  let cursor: string | undefined
  do {
    const page = await r2.list({ prefix: 'audio/', ...(cursor ? { cursor } : {}) })
    const stray = page.objects.filter(
      (o) =>
        !indexed.has(o.key.slice('audio/'.length)) && o.uploaded.getTime() < now - ORPHAN_GRACE_MS,
    )
    if (stray.length > 0) await r2.delete(stray.map((o) => o.key))
    orphans += stray.length
    cursor = page.truncated ? page.cursor : undefined
  } while (cursor)
  return orphans
}
