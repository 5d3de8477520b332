/**
 * @module speech/context — what one speech request works with: settings, cache, upstream,
 * logger, metrics and the caller. Built per request in the route, plain data for the rest.
 */
import type { Principal } from '../auth/index.ts'
import { keyRingOf } from '../cache/ring.ts'
import { type AudioCache, createAudioCache, edgeCacheOf } from '../cache/store.ts'
import type { Logger, Metrics } from '../observe/index.ts'
import { metrics as isolateMetrics } from '../observe/index.ts'
import { type Settings, settingsOf } from '../settings/index.ts'
import { resolveSynthesizer, type Synthesizer } from '../upstream/index.ts'

/** Per-request dependencies of the speech path. */
export interface SpeechContext {
  env: Env
  settings: Settings
  cache: AudioCache
  /** The upstream, resolved on first use (a hit never needs it). */
  upstream: () => Promise<Synthesizer>
  log: Logger
  metrics: Metrics
  principal: Principal
  waitUntil(promise: Promise<unknown>): void
}

/** Milliseconds spent per phase, for `Server-Timing`. */
export type Timings = Record<'cache' | 'upstream' | 'encode', number>

/** The `Server-Timing` header value. */
export function serverTiming(t: Timings): string {
  return `cache;dur=${t.cache.toFixed(1)}, upstream;dur=${t.upstream.toFixed(1)}, encode;dur=${t.encode.toFixed(1)}`
}

/**
 * The speech context of one request or queue message.
 *
 * @example
 * const ctx = await createSpeechContext({ env, principal, log, waitUntil: (p) => executionCtx.waitUntil(p) })
 */
export async function createSpeechContext(options: {
  env: Env
  principal: Principal
  log: Logger
  waitUntil(promise: Promise<unknown>): void
}): Promise<SpeechContext> {
  const { env, log } = options
  const settings = settingsOf(env)
  const waitUntil = (p: Promise<unknown>) =>
    options.waitUntil(
      p.catch((e: unknown) => log.error('background work failed', { error: String(e) })),
    )
  const cache = createAudioCache({
    r2: env.AUDIO,
    kv: env.INDEX,
    ring: await keyRingOf(env),
    edgeCache: edgeCacheOf(),
    waitUntil,
    onCorrupt: (key, error) => {
      isolateMetrics.counter('tts.edge.cache.corrupt').inc()
      log.warn('cache entry failed to open; deleted, treated as a miss', {
        key: key.slice(0, 16),
        code: (error as { code?: string }).code ?? 'unknown',
      })
    },
  })
  let upstream: Promise<Synthesizer> | undefined
  return {
    env,
    settings,
    cache,
    upstream: () => {
      upstream ??= resolveSynthesizer(settings)
      return upstream
    },
    log,
    metrics: isolateMetrics,
    principal: options.principal,
    waitUntil,
  }
}
