/**
 * @module client/edge-attempt — the edge's part of a call: asked only when no limit holds it
 * off and the client-side breaker lets it through; once, or with core's retry policy when nothing
 * local could take over. Its answer comes back as a stream the moment its first bytes are in
 * (`edge-stream.ts` caches it once it is complete and valid). A failure is sorted: a cancel or
 * the caller's own fault is thrown; anything else is handed back for the local engines, and
 * counts against the breaker unless the edge answered (a limit, a text its model cannot say).
 */
import { retry } from '@tts/core/resilience'
import {
  AbortedError,
  EdgeUnavailableError,
  isAbortedError,
  isEdgeLimitError,
  isEdgeRequestError,
  isInputRejectedError,
  TtsError,
} from '../errors/index.ts'
import type { Call } from './call.ts'
import { audioSeconds } from './checks.ts'
import { cachingStream } from './edge-stream.ts'
import { CIRCUIT_MESSAGE } from './fallback.ts'
import type { HoldOff } from './hold-off.ts'
import type { Outcome, PipelineDeps } from './pipeline.ts'
import { type Report, since } from './report.ts'

/** Runs a cache operation; a failure becomes an `error` event and `fallbackValue`. */
export type SafeCache = <T>(fn: () => Promise<T>, fallbackValue: T) => Promise<T>

/** The edge's stream, or the failure to fall back on. */
export type EdgeResult = Extract<Outcome, { kind: 'stream' }> | { kind: 'failed'; error: unknown }

/**
 * Worth another try at once: not the caller's fault, not a cancel, not a limit that lasts (a
 * request limit clears within the minute; a spent quota or a full queue is better reported than
 * waited for). Speech and prefetch retry by it alike.
 */
export const retryable = (e: unknown) =>
  !isEdgeRequestError(e) &&
  !isAbortedError(e) &&
  !(isEdgeLimitError(e) && e.code !== 'rate_limited')

/**
 * Builds `attempt(call, signal, started)`.
 *
 * @example
 * const attempt = createEdgeAttempt({ ...deps, holdOff, report, safeCache })
 * const r = await attempt(call, signal, performance.now())
 * if (r.kind === 'failed') speakLocally(r.error)
 */
export function createEdgeAttempt(
  deps: PipelineDeps & { holdOff: HoldOff; report: Report; safeCache: SafeCache },
) {
  const { o, metrics, edge, breakers, queue, holdOff, report, safeCache } = deps
  const canFallBack = o.fallback.length > 0

  /** The edge, once, or with core's retry policy when nothing local could take over. */
  const callEdge = (c: Call, signal: AbortSignal) =>
    canFallBack
      ? edge.speechStream(c.request, signal, { store: c.store })
      : retry((_, s) => edge.speechStream(c.request, s, { store: c.store }), {
          maxRetries: o.maxRetries,
          signal,
          isRetryable: retryable,
        })

  return async function attempt(
    c: Call,
    signal: AbortSignal,
    started: number,
  ): Promise<EdgeResult> {
    const held = holdOff.refusal()
    await breakers.ready
    const breaker = breakers.current()
    if (held !== undefined || !breaker.tryAcquire()) {
      const error = held ?? new EdgeUnavailableError('circuit_open', CIRCUIT_MESSAGE)
      return { kind: 'failed', error }
    }
    try {
      const answer = await callEdge(c, signal)
      breaker.success()
      // An edge that does not name its choice (older, or a plain OpenAI-style server) costs the model.
      const language = await c.language(answer.language?.toLowerCase())
      const { format, key } = c
      const meta = {
        mimeType: answer.mimeType,
        format,
        language,
        provider: 'edge' as const,
        cacheStatus: answer.cacheStatus,
        cached: answer.cacheStatus === 'hit' || answer.cacheStatus === 'stale',
        latencyMs: since(started),
      }
      report.announce(meta)
      if (queue) void deps.warm()
      const body = cachingStream(answer.body, answer.mimeType, {
        store: async (audio) => {
          metrics.success({
            provider: 'edge',
            latencyMs: meta.latencyMs,
            audioSeconds: audioSeconds(audio, format),
            audioBytes: audio.byteLength,
          })
          const cache = o.cache
          if (cache && key)
            await safeCache(
              () => cache.set(key, { audio, mimeType: answer.mimeType, format, language }),
              undefined,
            )
        },
        // A cut after the first byte: the edge is not healthy, whatever its headers said.
        cut: (error) => breaker.failure(error),
      })
      return { kind: 'stream', meta, body }
    } catch (error) {
      if (signal.aborted || isAbortedError(error)) {
        breaker.release()
        throw error instanceof TtsError ? error : new AbortedError('speech was cancelled', error)
      }
      if (isInputRejectedError(error) || isEdgeLimitError(error)) {
        // The edge answered: it is up. Its model cannot say this text, or the key is over a
        // limit; a local engine can still speak, and the event says which it was.
        breaker.success()
        holdOff.note(error)
      } else if (isEdgeRequestError(error)) {
        breaker.success() // the edge answered: it is up, the request was wrong
        throw error
      } else {
        breaker.failure(error)
      }
      return { kind: 'failed', error }
    }
  }
}
