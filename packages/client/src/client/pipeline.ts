/**
 * @module client/pipeline — the one pipeline under `synthesize`, `speak` and `stream`, in its
 * order: the call checked and worked out (`call.ts`) → local cache (a hit makes no request) →
 * edge behind the hold-off and the client-side breaker (`edge-attempt.ts`) → local engines
 * (`fallback.ts`). The edge's answer comes back as a stream the moment its first bytes are in;
 * callers that want bytes read it to the end.
 */

import type { XttsLanguage } from '@tts/core/lang'
import type { ClientBreaker } from '../breaker/index.ts'
import type { EdgeTransport } from '../edge/index.ts'
import type { EmitterController } from '../events/index.ts'
import type { ClientMetrics } from '../metrics/index.ts'
import type { NormalizedOptions } from '../options/index.ts'
import type { WarmQueue } from '../queue/index.ts'
import type { LocalEngine, LocalSpeechRequest, SynthesizeResult } from '../types.ts'
import { prepareCall } from './call.ts'
import { createEdgeAttempt, type SafeCache } from './edge-attempt.ts'
import { createFallback } from './fallback.ts'
import { createHoldOff } from './hold-off.ts'
import { createReport } from './report.ts'
import type { SynthesizeOptions, TtsClientEvents } from './types.ts'

/** What the pipeline produced. */
export type Outcome =
  /** Audio in hand: a local cache hit or a local engine's bytes. */
  | { kind: 'audio'; result: SynthesizeResult }
  /** The edge's audio as it arrives; `meta.latencyMs` is the time to its first byte. */
  | { kind: 'stream'; meta: Omit<SynthesizeResult, 'audio'>; body: ReadableStream<Uint8Array> }
  /** A local engine that speaks aloud itself (Web Speech). */
  | {
      kind: 'direct'
      engine: LocalEngine
      request: LocalSpeechRequest
      language: XttsLanguage
      started: number
    }

/** What the pipeline works with. */
export interface PipelineDeps {
  o: NormalizedOptions
  events: EmitterController<TtsClientEvents>
  metrics: ClientMetrics
  edge: EdgeTransport
  breakers: ClientBreaker
  queue: WarmQueue | undefined
  warm: () => Promise<number>
}

/**
 * Builds `run(text, call, signal, forSpeech)`.
 *
 * @example
 * const run = createPipeline(deps)
 * const out = await run('Hello', {}, signal, false)
 */
export function createPipeline(deps: PipelineDeps) {
  const { o, events, metrics } = deps
  const safeCache: SafeCache = async (fn, fallbackValue) => {
    try {
      return await fn()
    } catch (error) {
      events.emit('error', { error, operation: 'cache' })
      return fallbackValue
    }
  }
  const report = createReport(o, events, metrics)
  const steps = { ...deps, holdOff: createHoldOff(o.now), report, safeCache }
  const attempt = createEdgeAttempt(steps)
  const speakLocally = createFallback(steps)

  return async function run(
    text: string,
    options: SynthesizeOptions,
    signal: AbortSignal,
    forSpeech: boolean,
  ): Promise<Outcome> {
    const started = performance.now()
    const call = await prepareCall(o, text, options)
    const { cache } = o
    if (cache && call.key) {
      const key = call.key
      const hit = await safeCache(() => cache.get(key), null)
      metrics.cacheLookup(hit !== null)
      if (hit) {
        const r = {
          ...hit,
          language: await call.language(hit.language),
          provider: 'cache' as const,
        }
        const result = report.done({ ...r, cacheStatus: 'hit', cached: true }, started)
        return { kind: 'audio', result }
      }
    }
    const edge = await attempt(call, signal, started)
    if (edge.kind === 'stream') return edge
    return speakLocally(call, edge.error, signal, forSpeech, started)
  }
}
