/**
 * @module speech/unserved — what the speech route does around the pool's answer: the
 * `COALESCED` label, and what happens when no upstream can serve (a stale copy if one is
 * kept, the request queued for deferred synthesis, and otherwise the 503 with `Retry-After`).
 */

import { failureCode, UNSERVED_CODES } from '../pool/errors.ts'
import type { PoolReport } from '../pool-client/index.ts'
import { deferOnce } from '../queue/message.ts'
import type { SpeechContext } from './context.ts'
import type { PreparedSpeech, SpeechInput } from './prepare.ts'
import { completeAudio } from './respond.ts'

/**
 * Labels a miss that only joined syntheses other requests started as `COALESCED`.
 *
 * @example
 * return labelAnswer(response, pool)
 */
export function labelAnswer(response: Response, report: PoolReport): Response {
  if (
    report.coalesced > 0 &&
    report.started === 0 &&
    response.headers.get('x-tts-cache') === 'MISS'
  ) {
    response.headers.set('x-tts-cache', 'COALESCED')
  }
  return response
}

/**
 * The answer when the pool could not serve: queues the request for deferred synthesis and
 * serves an expired copy (`STALE`, not stored by browsers) if one is kept within
 * `staleMaxMs` of its expiry — the cache's own read, with its stale option; any other error
 * is thrown on, as is every error of a `no-store` request.
 *
 * @example
 * await answerSpeech(...).catch((e) => whenNothingServes(ctx, request, prepared, input, e))
 */
export async function whenNothingServes(
  ctx: SpeechContext,
  request: Request,
  prepared: PreparedSpeech,
  input: SpeechInput,
  error: unknown,
): Promise<Response> {
  const code = failureCode(error)
  // A caller who asked that nothing be kept gets neither a kept copy nor a job that keeps one.
  if (!UNSERVED_CODES.has(code) || prepared.store === false) throw error
  const { options } = ctx.settings.pool.config
  if (options.deferOnFailure) {
    // Once per answer (its cache key): a burst of the same unserved request queues one job.
    ctx.waitUntil(
      deferOnce(ctx.env, ctx.principal, input, prepared.key).then((outcome) => {
        ctx.metrics.counter('tts.edge.queue.deferred', { code, outcome }).inc()
        ctx.log.info('no upstream could serve; the synthesis is queued', { code, outcome })
      }),
    )
  }
  if (options.serveStale) {
    const found = await ctx.cache.get(prepared.key, { staleMaxMs: options.staleMaxMs })
    if ('bytes' in found) {
      ctx.metrics.counter('tts.edge.cache.stale_served').inc()
      const response = completeAudio(request, found.bytes, {
        format: prepared.format,
        cache: 'STALE',
        language: prepared.language,
        upstream: found.meta.upstream,
        etag: found.meta.etag,
        timings: { cache: 0, upstream: 0, encode: 0 },
      })
      response.headers.set('cache-control', 'no-store')
      return response
    }
  }
  throw error
}
