/**
 * @module client/report — telling what answered a call: the `provider` event, the metrics of a
 * success and, under `debug`, the duration metric line.
 */
import type { EmitterController } from '../events/index.ts'
import type { ClientMetrics } from '../metrics/index.ts'
import type { NormalizedOptions } from '../options/index.ts'
import type { SynthesizeResult } from '../types.ts'
import { audioSeconds } from './checks.ts'
import type { TtsClientEvents } from './types.ts'

/** What `createReport` gives. */
export interface Report {
  /** The `provider` event (and the debug metric) for an answer, audio in hand or not. */
  announce(r: Omit<SynthesizeResult, 'audio'>): void
  /** A whole answer: its latency from `started`, counted as a success and announced. */
  done(r: Omit<SynthesizeResult, 'latencyMs'>, started: number): SynthesizeResult
}

/** Milliseconds since `started` (a `performance.now()` time), to a tenth. */
export const since = (started: number) => Math.round((performance.now() - started) * 10) / 10

/**
 * Makes the reporter of one client.
 *
 * @example
 * const { done } = createReport(o, events, metrics)
 * return done({ ...audio, provider: 'local', … }, started)
 */
export function createReport(
  o: NormalizedOptions,
  events: EmitterController<TtsClientEvents>,
  metrics: ClientMetrics,
): Report {
  const announce = (r: Omit<SynthesizeResult, 'audio'>) => {
    events.emit('provider', {
      provider: r.provider,
      language: r.language,
      latencyMs: r.latencyMs,
      ...(r.engine ? { engine: r.engine } : {}),
    })
    if (o.debug)
      o.logger?.metric('tts.synthesis.duration', r.latencyMs, 'ms', { provider: r.provider })
  }
  const done = (r: Omit<SynthesizeResult, 'latencyMs'>, started: number): SynthesizeResult => {
    const result = { ...r, latencyMs: since(started) }
    metrics.success({
      provider: r.provider,
      latencyMs: result.latencyMs,
      audioSeconds: audioSeconds(r.audio, r.format),
      audioBytes: r.audio.byteLength,
    })
    announce(result)
    return result
  }
  return { announce, done }
}
