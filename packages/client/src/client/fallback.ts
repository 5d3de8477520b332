/**
 * @module client/fallback — a call the edge could not answer, spoken by the local engines: the
 * `fallback` event saying why (and, while a limit holds the edge off, until when), the local
 * request in the language the call resolves to, and the text queued to be warmed on the edge.
 * Without a local engine the edge's failure is thrown as it is.
 */
import { toLocale } from '@tts/core/lang'
import { runLocalEngines } from '../local/index.ts'
import type { LocalSpeechRequest } from '../types.ts'
import type { Call } from './call.ts'
import type { HoldOff } from './hold-off.ts'
import type { Outcome, PipelineDeps } from './pipeline.ts'
import type { Report } from './report.ts'

/** What a user is told while the breaker keeps the edge skipped. */
export const CIRCUIT_MESSAGE = 'speech service temporarily unavailable, using device voice'

/** What the `fallback` event tells a user, by reason; anything else is "unreachable". */
const FALLBACK_MESSAGES: Record<string, string> = {
  circuit_open: CIRCUIT_MESSAGE,
  quota_exceeded: 'speech quota used up for now, using device voice',
  rate_limited: 'too many speech requests right now, using device voice',
  input_rejected: 'the speech service cannot say this text, using device voice',
}

/**
 * Builds `speakLocally(call, edgeError, signal, forSpeech, started)`.
 *
 * @example
 * const speakLocally = createFallback({ ...deps, holdOff, report })
 * return speakLocally(call, error, signal, false, started)
 */
export function createFallback(deps: PipelineDeps & { holdOff: HoldOff; report: Report }) {
  const { o, events, metrics, queue, holdOff, report } = deps

  return async function speakLocally(
    c: Call,
    edgeError: unknown,
    signal: AbortSignal,
    forSpeech: boolean,
    started: number,
  ): Promise<Outcome> {
    const reason = (edgeError as { code?: string }).code ?? 'edge_failed'
    if (o.fallback.length === 0) throw edgeError
    const { retryAfterMs, requestId } = edgeError as { retryAfterMs?: number; requestId?: string }
    // While the edge is held off, the wait is what is left of it, not the refusal's first figure.
    const heldOffUntil = holdOff.until(edgeError)
    const wait = heldOffUntil === undefined ? retryAfterMs : heldOffUntil - o.now()
    metrics.fallback(reason)
    events.emit('fallback', {
      reason,
      message: FALLBACK_MESSAGES[reason] ?? 'speech service unreachable, using device voice',
      error: edgeError,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
      ...(heldOffUntil === undefined ? {} : { heldOffUntil }),
      ...(requestId === undefined ? {} : { requestId }),
    })
    const language = await c.language()
    const local: LocalSpeechRequest = {
      text: c.input,
      language,
      locale: toLocale(language),
      speed: c.speed,
      pitch: c.pitch,
      signal,
    }
    const outcome = await runLocalEngines(o.fallback, local, {
      aloud: forSpeech,
      cause: edgeError,
      reason,
    })
    if (queue) {
      void queue
        .add({ ...c.request, language })
        .catch((error) => events.emit('error', { error, operation: 'warm' }))
    }
    if (outcome.kind === 'direct')
      return { kind: 'direct', engine: outcome.engine, request: local, language, started }
    const result = report.done(
      {
        ...outcome.audio,
        language,
        provider: 'local',
        cacheStatus: 'none',
        cached: false,
        engine: outcome.engine.name,
      },
      started,
    )
    return { kind: 'audio', result }
  }
}
