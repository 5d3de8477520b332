/**
 * @module index — the tts-edge worker's entry: HTTP (the Hono app), the Queue consumer
 * (deferred synthesis and prefetch), the cron handler (cache purge) and the Durable Object.
 */
import { app } from './app.ts'
import { scheduledPurge } from './cache/scheduled.ts'
import { consumeSynthQueue } from './queue/index.ts'

export { UpstreamPool } from './pool/index.ts'
export { WorkQuota } from './quota/object.ts'

export default {
  fetch: app.fetch,
  queue: consumeSynthQueue,
  scheduled: scheduledPurge,
} satisfies ExportedHandler<Env>
