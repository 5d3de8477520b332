/**
 * @module client/pipeline — the one pipeline under `synthesize`, `speak` and `stream`: validate →
 * language → cache key → local cache (a hit makes no request) → edge behind the client-side
 * breaker → local engines. The edge's answer comes back as a stream the moment its first bytes
 * are in (`edge-stream.ts` caches it once it is complete and valid); callers that want bytes
 * read it to the end.
 *
 * Language, when the call names none: the writing system decides it for free (Arabic, Cyrillic,
 * Kana, …); otherwise the edge is sent `language: 'auto'` and says what it chose in
 * `X-TTS-Language`. Core's n-gram model (over 500 KB gzip in a browser) is loaded only when a
 * local engine needs a language and the edge could not give one.
 */
import { cacheKey } from '@tts/core/crypto'
import { isXttsLanguage, normalizeLanguage, toLocale, type XttsLanguage } from '@tts/core/lang'
import { retry } from '@tts/core/resilience'
import { normalizeText } from '@tts/core/text'
import type { ClientBreaker } from '../breaker/index.ts'
import type { EdgeTransport, SpeechRequest } from '../edge/index.ts'
import {
  AbortedError,
  EdgeUnavailableError,
  isAbortedError,
  isEdgeLimitError,
  isEdgeRequestError,
  isInputRejectedError,
  TtsError,
} from '../errors/index.ts'
import type { EmitterController } from '../events/index.ts'
import { runLocalEngines } from '../local/index.ts'
import type { ClientMetrics } from '../metrics/index.ts'
import type { NormalizedOptions } from '../options/index.ts'
import type { WarmQueue } from '../queue/index.ts'
import type { LocalEngine, LocalSpeechRequest, SynthesizeResult } from '../types.ts'
import { audioSeconds, checkText, range } from './checks.ts'
import { cachingStream } from './edge-stream.ts'
import { createHoldOff } from './hold-off.ts'
import { resolveWithModel, withoutModel } from './language.ts'
import type { SynthesizeOptions, TtsClientEvents } from './types.ts'

const CIRCUIT_MESSAGE = 'speech service temporarily unavailable, using device voice'

/** What the `fallback` event tells a user, by reason; anything else is "unreachable". */
const FALLBACK_MESSAGES: Record<string, string> = {
  circuit_open: CIRCUIT_MESSAGE,
  quota_exceeded: 'speech quota used up for now, using device voice',
  rate_limited: 'too many speech requests right now, using device voice',
  input_rejected: 'the speech service cannot say this text, using device voice',
}

/** Worth another try at once: not the caller's fault, not a cancel, not a limit that lasts. */
const retryable = (e: unknown) =>
  !isEdgeRequestError(e) &&
  !isAbortedError(e) &&
  // A request limit clears within the minute; a spent quota is better reported than waited for.
  !(isEdgeLimitError(e) && e.code !== 'rate_limited')

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
  const { o, events, metrics, edge, breakers, queue } = deps
  const holdOff = createHoldOff(o.now)

  /** The edge, once, or with core's retry policy when nothing local could take over. */
  const callEdge = (request: SpeechRequest, signal: AbortSignal, canFallBack: boolean) =>
    canFallBack
      ? edge.speechStream(request, signal)
      : retry((_, s) => edge.speechStream(request, s), {
          maxRetries: o.maxRetries,
          signal,
          isRetryable: retryable,
        })

  const done = (r: Omit<SynthesizeResult, 'latencyMs'>, started: number): SynthesizeResult => {
    const result = { ...r, latencyMs: Math.round((performance.now() - started) * 10) / 10 }
    metrics.success({
      provider: r.provider,
      latencyMs: result.latencyMs,
      audioSeconds: audioSeconds(r.audio, r.format),
      audioBytes: r.audio.byteLength,
    })
    announce(result)
    return result
  }

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

  async function run(
    text: string,
    call: SynthesizeOptions,
    signal: AbortSignal,
    forSpeech: boolean,
  ): Promise<Outcome> {
    const started = performance.now()
    const input = checkText(text)
    const speed = range('speed', call.speed ?? 1, 0.25, 4)
    const pitch = range('pitch', call.pitch ?? 1, 0.5, 2)
    const format = call.format ?? o.format
    const voice = call.voice ?? 'auto'
    // Undefined: only the n-gram model could tell, so the edge decides and the model stays unloaded.
    const asked = call.language !== undefined ? normalizeLanguage(call.language) : undefined
    const hint = o.languageHint
    const known: XttsLanguage | undefined = asked ?? withoutModel(input, hint)
    const resolveLocally = (text: string) => resolveWithModel(text, hint, o.logger)
    const request: SpeechRequest = {
      input,
      voice: voice === 'auto' ? o.voice : voice,
      language: known ?? 'auto',
      ...(known === undefined && hint ? { language_hint: hint } : {}),
      response_format: format,
      speed,
      // Only when not 1: a request at pitch 1 stays what an OpenAI-style server knows.
      ...(pitch !== 1 ? { pitch } : {}),
    }

    const cache = o.cache
    const key = cache
      ? await cacheKey({
          v: 1,
          endpoint: o.endpoint,
          tenant: o.apiKey ?? null,
          model: o.model,
          text: normalizeText(input),
          // What was asked, not what it resolved to: resolving Latin text needs the model, and
          // the edge resolves the same text to the same language, so it is the same audio.
          language: asked ?? (hint ? `auto:${hint.join(',')}` : 'auto'),
          voice: request.voice,
          format,
          speed,
          ...(pitch !== 1 ? { pitch } : {}),
        })
      : undefined
    if (cache && key) {
      const hit = await safeCache(() => cache.get(key), null)
      metrics.cacheLookup(hit !== null)
      if (hit) {
        const language =
          known ?? (isXttsLanguage(hit.language) ? hit.language : await resolveLocally(input))
        const r = { ...hit, language, provider: 'cache' as const }
        return { kind: 'audio', result: done({ ...r, cacheStatus: 'hit', cached: true }, started) }
      }
    }

    const canFallBack = o.fallback.length > 0
    let edgeError: unknown = holdOff.refusal()
    await breakers.ready
    const breaker = breakers.current()
    if (edgeError === undefined && breaker.tryAcquire()) {
      try {
        const answer = await callEdge(request, signal, canFallBack)
        breaker.success()
        const header = answer.language?.toLowerCase()
        // An edge that does not name its choice (older, or a plain OpenAI-style server) costs the model.
        const language = known ?? (isXttsLanguage(header) ? header : await resolveLocally(input))
        const meta = {
          mimeType: answer.mimeType,
          format,
          language,
          provider: 'edge' as const,
          cacheStatus: answer.cacheStatus,
          cached: answer.cacheStatus === 'hit' || answer.cacheStatus === 'stale',
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
        }
        announce(meta)
        if (queue) void deps.warm()
        const body = cachingStream(answer.body, answer.mimeType, {
          store: async (audio) => {
            metrics.success({
              provider: 'edge',
              latencyMs: meta.latencyMs,
              audioSeconds: audioSeconds(audio, format),
              audioBytes: audio.byteLength,
            })
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
          edgeError = error
        } else if (isEdgeRequestError(error)) {
          breaker.success() // the edge answered: it is up, the request was wrong
          throw error
        } else {
          breaker.failure(error)
          edgeError = error
        }
      }
    } else {
      edgeError ??= new EdgeUnavailableError('circuit_open', CIRCUIT_MESSAGE)
    }

    const reason = (edgeError as { code?: string }).code ?? 'edge_failed'
    if (!canFallBack) throw edgeError
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
    const language = known ?? (await resolveLocally(input))
    const local: LocalSpeechRequest = {
      text: input,
      language,
      locale: toLocale(language),
      speed,
      pitch,
      signal,
    }
    const outcome = await runLocalEngines(o.fallback, local, {
      aloud: forSpeech,
      cause: edgeError,
      reason,
    })
    if (queue) {
      void queue
        .add({ ...request, language })
        .catch((error) => events.emit('error', { error, operation: 'warm' }))
    }
    if (outcome.kind === 'direct')
      return { kind: 'direct', engine: outcome.engine, request: local, language, started }
    const result = done(
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

  async function safeCache<T>(fn: () => Promise<T>, fallbackValue: T): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      events.emit('error', { error, operation: 'cache' })
      return fallbackValue
    }
  }

  return run
}
