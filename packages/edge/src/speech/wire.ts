/**
 * @module speech/wire — the real parts of a speech context: the sealed cache and the pooled
 * synthesizer scoped to the caller's tenant, built once per request or queue message.
 */
import type { Principal } from '../auth/index.ts'
import { keyRingOf } from '../cache/ring.ts'
import { createAudioCache, edgeCacheOf } from '../cache/store.ts'
import type { Logger } from '../observe/index.ts'
import { metrics } from '../observe/index.ts'
import { createPooledSynthesizer, type PoolReport, poolClient } from '../pool-client/index.ts'
import { settingsOf } from '../settings/index.ts'
import { createSpeechContext, type SpeechContext, scopeOf } from './context.ts'

/**
 * The speech context of one request or queue message, and what its pool calls will report
 * (started vs joined syntheses, for `COALESCED`).
 *
 * @example
 * const { ctx, pool } = await wireSpeech({ env, principal, log, waitUntil: (p) => exec.waitUntil(p) })
 */
export async function wireSpeech(options: {
  env: Env
  principal: Principal
  log: Logger
  waitUntil(promise: Promise<unknown>): void
}): Promise<{ ctx: SpeechContext; pool: PoolReport }> {
  const { env, log, principal } = options
  const settings = settingsOf(env)
  const waitUntil = (p: Promise<unknown>) =>
    options.waitUntil(
      p.catch((e: unknown) => log.error('background work failed', { error: String(e) })),
    )
  const scope = scopeOf(settings.cacheTenancy, principal)
  const cache = createAudioCache({
    r2: env.AUDIO,
    kv: env.INDEX,
    ring: await keyRingOf(env),
    edgeCache: edgeCacheOf,
    waitUntil,
    memoryBytes: settings.cacheMemoryBytes,
    scope,
    onCorrupt: (key, error) => {
      metrics.counter('tts.edge.cache.corrupt').inc()
      log.warn('cache entry failed to open; deleted, treated as a miss', {
        key: key.slice(0, 16),
        code: (error as { code?: string }).code ?? 'unknown',
      })
    },
  })
  const synthesizer = createPooledSynthesizer(poolClient(env), scope)
  const ctx = createSpeechContext({
    env,
    settings,
    scope,
    cache,
    synthesizer,
    log,
    metrics,
    principal,
    waitUntil,
  })
  return { ctx, pool: synthesizer.report }
}
