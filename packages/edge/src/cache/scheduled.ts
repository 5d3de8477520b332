/**
 * @module cache/scheduled — the cron handler: one batch of cache housekeeping (expired
 * entries, retired generations, eviction past `CACHE_MAX_BYTES`) as of the trigger's
 * scheduled time; the next trigger resumes where it stopped.
 */
import { requestLogger } from '../observe/index.ts'
import { settingsOf } from '../settings/index.ts'
import { runHousekeeping } from './housekeeping.ts'

/** How long past expiry entries are kept for STALE serving (0 when stale serving is off). */
function staleGraceOf(env: Env): number {
  const { options } = settingsOf(env).pool.config
  return options.serveStale ? options.staleMaxMs : 0
}

/**
 * Runs one batch of housekeeping.
 *
 * @example
 * export default { scheduled: scheduledPurge }
 */
export async function scheduledPurge(
  controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  const settings = settingsOf(env)
  const log = requestLogger(settings.logLevel, `cron:${controller.cron}`)
  const report = await runHousekeeping(env.INDEX, env.AUDIO, {
    now: controller.scheduledTime,
    maxBytes: settings.cacheMaxBytes,
    staleGraceMs: staleGraceOf(env),
  })
  const { remaining, ...counts } = report
  log.info('cache housekeeping', { ...counts, ...(remaining ? { remaining } : {}) })
  if (remaining) log.metric('cache_bytes', remaining.bytes, 'bytes', { entries: remaining.entries })
}
