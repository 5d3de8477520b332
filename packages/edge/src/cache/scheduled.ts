/**
 * @module cache/scheduled — the cron handler: purges expired entries and evicts past
 * `CACHE_MAX_BYTES`, as of the trigger's scheduled time.
 */
import { requestLogger } from '../observe/index.ts'
import { settingsOf } from '../settings/index.ts'
import { purgeCache } from './purge.ts'
import { keyRingOf } from './ring.ts'
import { createAudioCache, edgeCacheOf } from './store.ts'

/**
 * Runs one purge.
 *
 * @example
 * export default { scheduled: scheduledPurge }
 */
/** How long past expiry entries are kept for STALE serving (0 when stale serving is off). */
function staleGraceOf(env: Env): number {
  const { options } = settingsOf(env).pool.config
  return options.serveStale ? options.staleMaxMs : 0
}

export async function scheduledPurge(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const settings = settingsOf(env)
  const log = requestLogger(settings.logLevel, `cron:${controller.cron}`)
  const cache = createAudioCache({
    r2: env.AUDIO,
    kv: env.INDEX,
    ring: await keyRingOf(env),
    edgeCache: edgeCacheOf(),
    waitUntil: (p) => ctx.waitUntil(p),
  })
  const report = await purgeCache(env.INDEX, env.AUDIO, cache, {
    now: controller.scheduledTime,
    maxBytes: settings.cacheMaxBytes,
    staleGraceMs: staleGraceOf(env),
  })
  log.info('cache purged', { ...report })
  log.metric('cache_bytes', report.remainingBytes, 'bytes', { entries: report.remainingEntries })
}
