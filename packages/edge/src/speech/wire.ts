/**
 * @module speech/wire — the real parts of a speech context: the sealed cache and the pooled
 * synthesizer scoped to the caller's tenant, built once per request or queue message.
 */

import type { GatePriority } from '@tts/core/resilience'
import type { Principal } from '../auth/index.ts'
import { currentGeneration, generationOwner } from '../cache/generation.ts'
import { keyRingOf } from '../cache/ring.ts'
import { createAudioCache, edgeCacheOf } from '../cache/store.ts'
import type { Logger } from '../observe/index.ts'
import { metrics } from '../observe/index.ts'
import { createPooledSynthesizer, type PoolReport, poolClient } from '../pool-client/index.ts'
import { workMeter } from '../quota/index.ts'
import { settingsOf } from '../settings/index.ts'
import { createSpeechContext, type SpeechContext, scopeOf, type WorkMeter } from './context.ts'

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
  /** Default: the caller's key quota (quota/); the queue passes its own for prepaid work. */
  meter?: WorkMeter
  /** `background` for work nobody waits for: it waits at the gate while a person does. */
  priority?: GatePriority
}): Promise<{ ctx: SpeechContext; pool: PoolReport }> {
  const { env, log, principal } = options
  const settings = settingsOf(env)
  const waitUntil = (p: Promise<unknown>) =>
    options.waitUntil(
      p.catch((e: unknown) => log.error('background work failed', { error: String(e) })),
    )
  const scope = scopeOf(settings.cacheTenancy, principal)
  const owner = generationOwner(settings.cacheTenancy, principal.tenant)
  const [ring, generation] = await Promise.all([
    keyRingOf(env),
    currentGeneration(env.INDEX, owner),
  ])
  const cache = createAudioCache({
    r2: env.AUDIO,
    kv: env.INDEX,
    ring,
    stamp: { owner, generation: generation.id },
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
    onUnknownKey: (key) => {
      metrics.counter('tts.edge.cache.unknown_key').inc()
      log.warn(
        'cache entry sealed with a key this isolate does not know; kept, treated as a miss',
        {
          key: key.slice(0, 16),
        },
      )
    },
  })
  const synthesizer = createPooledSynthesizer(poolClient(env), scope, undefined, options.priority)
  const ctx = createSpeechContext({
    env,
    settings,
    scope,
    generation: generation.id,
    cache,
    synthesizer,
    log,
    metrics,
    principal,
    meter: options.meter ?? workMeter(env, principal),
    waitUntil,
  })
  return { ctx, pool: synthesizer.report }
}
