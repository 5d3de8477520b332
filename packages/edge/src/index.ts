/**
 * @module index — the tts-edge worker's entry: HTTP (Hono app), the Queue consumer (deferred
 * synthesis, prefetch), the cron handler (cache purge) and the Durable Object class.
 */
import { app } from './app.ts'

export { UpstreamPool } from './pool/index.ts'

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>
