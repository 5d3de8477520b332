/**
 * @module client — `createTtsClient`: edge first, the local encrypted cache before it, local
 * speech the moment the edge fails (the order lives in `pipeline.ts`). `speak()` plays the
 * edge's audio while it arrives through the stream player; `stream()` hands it on as it
 * arrives; `synthesize()` reads it whole.
 */
import { retry } from '@tts/core/resilience'
import { createClientBreaker } from '../breaker/index.ts'
import { createEdgeAuth } from '../edge/auth.ts'
import { completeAudio, readAll } from '../edge/complete.ts'
import { createEdgeTransport } from '../edge/index.ts'
import { AbortedError, LocalEngineError } from '../errors/index.ts'
import { createEmitter } from '../events/index.ts'
import { createClientMetrics } from '../metrics/index.ts'
import { normalizeOptions, type TtsClientOptions } from '../options/index.ts'
import { createWarmQueue, memoryQueueStorage, type WarmQueue } from '../queue/index.ts'
import type { SynthesizeResult } from '../types.ts'
import { retryable } from './edge-attempt.ts'
import { whenSettled } from './edge-stream.ts'
import { createPipeline } from './pipeline.ts'
import { createSpeaker, oneChunk } from './speak.ts'
import type { SpeechStream, TtsClient, TtsClientEvents } from './types.ts'

/**
 * Creates a client.
 *
 * @example
 * const tts = createTtsClient({ endpoint: 'https://tts.example.com', apiKey, fallback: webSpeechEngine() })
 * tts.on('fallback', (e) => console.info(e.message))
 * const { audio, provider } = await tts.synthesize('Bonjour tout le monde')
 */
export function createTtsClient(options: TtsClientOptions): TtsClient {
  const o = normalizeOptions(options)
  const events = createEmitter<TtsClientEvents>((error) =>
    o.logger?.warn('a client event listener threw', { error: String(error) }),
  )
  const metrics = createClientMetrics()
  const edge = createEdgeTransport({
    endpoint: o.endpoint,
    apiKey: o.apiKey,
    auth: createEdgeAuth({ apiKey: o.apiKey, token: o.token, getToken: o.getToken, now: o.now }),
    timeoutMs: o.timeoutMs,
    model: o.model,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  })
  const breakers = createClientBreaker({
    threshold: o.breaker.threshold,
    openMs: o.breaker.openMs,
    now: o.now,
    storage: o.breaker.storage,
    onChange: (t) => {
      events.emit('breaker', { from: t.from, to: t.to, at: t.at })
      o.logger?.info('edge circuit changed', { from: t.from, to: t.to })
    },
    onError: (error) => events.emit('error', { error, operation: 'cache' }),
  })
  // What the edge said of the batches of the current flush: queued now, or queued already.
  const flushed = { queued: 0, duplicates: 0 }
  const queue: WarmQueue | undefined = o.warmQueue
    ? createWarmQueue({
        storage: o.warmQueue.storage ?? memoryQueueStorage(),
        maxItems: o.warmQueue.maxItems,
        send: async (items) => {
          const counts = await retry((_, signal) => edge.prefetch(items, signal), {
            maxRetries: o.maxRetries,
            // A spent quota or a full queue lasts longer than a retry waits; the items stay queued.
            isRetryable: retryable,
          })
          flushed.queued += counts.queued
          flushed.duplicates += counts.duplicates
        },
      })
    : undefined
  const inFlight = new Set<AbortController>()

  const flushOnce = async (): Promise<number> => {
    if (!queue) return 0
    flushed.queued = 0
    flushed.duplicates = 0
    try {
      const sent = await queue.flush()
      if (sent > 0) events.emit('warm', { sent, ...flushed })
      return sent
    } catch (error) {
      events.emit('error', { error, operation: 'warm' })
      return 0
    }
  }
  // One flush at a time, shared by concurrent callers: its counts and its one `warm` event.
  let warming: Promise<number> | undefined
  const warm = (): Promise<number> => {
    warming ??= flushOnce().finally(() => {
      warming = undefined
    })
    return warming
  }

  const run = createPipeline({ o, events, metrics, edge, breakers, queue, warm })

  const track = (outer: AbortSignal | undefined) => {
    const controller = new AbortController()
    if (outer?.aborted) controller.abort(outer.reason)
    const onAbort = () => controller.abort(outer?.reason)
    outer?.addEventListener('abort', onAbort, { once: true })
    inFlight.add(controller)
    return {
      signal: controller.signal,
      controller,
      release: () => {
        inFlight.delete(controller)
        outer?.removeEventListener('abort', onAbort)
      },
    }
  }

  const fail = (error: unknown, operation: 'synthesize' | 'speak'): unknown => {
    metrics.failure()
    events.emit('error', { error, operation })
    return error
  }

  return {
    on: events.on,
    metrics: {
      snapshot: () => metrics.snapshot(),
      toPrometheus: () => metrics.toPrometheus(),
      emit: (logger) => metrics.emit(logger),
      toCoreSnapshot: () => metrics.toCoreSnapshot(),
    },
    cache: {
      stats: async () => (o.cache ? o.cache.stats() : undefined),
      clear: async () => {
        await o.cache?.clear()
      },
    },
    breaker: {
      get state() {
        return breakers.current().state
      },
    },
    warm,
    pendingWarm: async () => (queue ? queue.size() : 0),

    async synthesize(text, call = {}) {
      const t = track(call.signal)
      try {
        const out = await run(text, call, t.signal, false)
        if (out.kind === 'direct')
          throw new LocalEngineError('no local engine here renders audio bytes')
        if (out.kind === 'audio') return out.result
        const audio = completeAudio(await readAll(out.body), out.meta.mimeType)
        const result: SynthesizeResult = { ...out.meta, audio }
        return result
      } catch (error) {
        throw fail(error, 'synthesize')
      } finally {
        t.release()
      }
    },

    async stream(text, call = {}) {
      const t = track(call.signal)
      let handedOver = false
      try {
        const out = await run(text, call, t.signal, false)
        if (out.kind === 'direct')
          throw new LocalEngineError('no local engine here renders audio bytes')
        if (out.kind === 'stream') {
          handedOver = true
          // The body outlives this call: `stop()` and the call's signal reach it until it ends.
          const result: SpeechStream = { ...out.meta, body: whenSettled(out.body, t.release) }
          return result
        }
        const { audio, ...meta } = out.result
        return { ...meta, body: oneChunk(audio) }
      } catch (error) {
        throw fail(error, 'synthesize')
      } finally {
        if (!handedOver) t.release()
      }
    },

    speak: createSpeaker({ o, run, track, fail, metrics, events }),

    stop() {
      for (const c of inFlight) c.abort(new AbortedError('stopped'))
    },
  }
}
