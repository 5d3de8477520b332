/**
 * @module commands/client — the SDK client the CLI speaks through: `@tts/client/node` with the
 * config's settings, the user's locale as the language hint, the encrypted file cache
 * (`TTS_CACHE_DIR` or the platform cache dir) and espeak-ng as the local fallback.
 */
import { join } from 'node:path'
import type { TtsClient } from '@tts/client'
import {
  createTtsClient,
  espeakEngine,
  fileCache,
  fileQueueStorage,
  platformCacheDir,
} from '@tts/client/node'
import type { CliContext } from '../context/index.ts'
import { languageHint } from './language-hint.ts'
import type { Settings } from './settings.ts'

/**
 * The local cache directory: `TTS_CACHE_DIR`, else the platform's.
 *
 * @example
 * cacheDir(ctx) // '/home/ana/.cache/tts-edge'
 */
export function cacheDir(ctx: CliContext): string {
  return ctx.env.TTS_CACHE_DIR || platformCacheDir(ctx.env)
}

/**
 * Creates the client of one run.
 *
 * @example
 * const client = makeClient(ctx, await loadSettings(ctx))
 */
export function makeClient(ctx: CliContext, settings: Settings): TtsClient {
  const dir = cacheDir(ctx)
  const { config } = settings
  return createTtsClient({
    endpoint: config.endpoint,
    ...(settings.key ? { apiKey: settings.key.key } : {}),
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    debug: config.debug || ctx.debug,
    logger: ctx.logger,
    format: config.format,
    languageHint: languageHint(ctx.env),
    cache: fileCache({
      dir: join(dir, 'audio'),
      ttlMs: config.cacheTtlMs,
      maxBytes: config.cacheMaxBytes,
    }),
    fallback: [espeakEngine()],
    warmQueue: { storage: fileQueueStorage(join(dir, 'warm-queue.json')) },
    fetch: ctx.fetch,
  })
}
