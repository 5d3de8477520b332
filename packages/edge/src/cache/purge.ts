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
  remainingEntries: number
  remainingBytes: number
}

/**
 * Purges the cache as of `now`.
 *
 * @example
 * ctx.waitUntil(purgeCache(env.INDEX, cache, { now: controller.scheduledTime, maxBytes }))
 */
export async function purgeCache(
  kv: KVNamespace,
  cache: Pick<AudioCache, 'delete'>,
  options: { now: number; maxBytes: number },
): Promise<PurgeReport> {
  const live: { key: string; size: number; lastUsed: number }[] = []
  let expired = 0
  for await (const { key, meta } of scanIndex(kv)) {
    if (meta.expires <= options.now) {
      await cache.delete(key)
      expired++
    } else {
      live.push({ key, size: meta.size, lastUsed: meta.lastUsed })
    }
  }
  let bytes = live.reduce((sum, e) => sum + e.size, 0)
  live.sort((a, b) => a.lastUsed - b.lastUsed)
  let evicted = 0
  while (bytes > options.maxBytes && evicted < live.length) {
    const victim = live[evicted]
    if (!victim) break
    await cache.delete(victim.key)
    bytes -= victim.size
    evicted++
  }
  return { expired, evicted, remainingEntries: live.length - evicted, remainingBytes: bytes }
}
