/**
 * @module client — `createTtsClient`: edge first, the local encrypted cache before it, local
 * speech the moment the edge fails. The order of one call: validate → language → cache key →
 * local cache (a hit makes no request) → edge behind the client-side breaker → local engines.
 *
 * Language, when the call names none: the writing system decides it for free (Arabic, Cyrillic,
 * Kana, …); otherwise the edge is sent `language: 'auto'` and says what it chose in
 * `X-TTS-Language`. Core's n-gram model (over 500 KB gzip in a browser) is loaded only when a
 * local engine needs a language and the edge could not give one.
 */
import { cacheKey } from '@tts/core/crypto'
import {
  detectLanguage,
  detectLanguageSync,
  isXttsLanguage,
  normalizeLanguage,
  toLocale,
  type XttsLanguage,
} from '@tts/core/lang'
import { retry } from '@tts/core/resilience'
import { normalizeText } from '@tts/core/text'
import { createClientBreaker } from '../breaker/index.ts'
import type { LocalCache } from '../cache/index.ts'
import { createEdgeAuth } from '../edge/auth.ts'
import { createEdgeTransport, type SpeechRequest } from '../edge/index.ts'
import {
  AbortedError,
  ConfigError,
  EdgeUnavailableError,
  isAbortedError,
  isEdgeRequestError,
  LocalEngineError,
  TtsError,
} from '../errors/index.ts'
import { createEmitter } from '../events/index.ts'
import { runLocalEngines } from '../local/index.ts'
import { createClientMetrics } from '../metrics/index.ts'
import { normalizeOptions, type TtsClientOptions } from '../options/index.ts'
import { createWarmQueue, memoryQueueStorage, type WarmQueue } from '../queue/index.ts'
import type { LocalEngine, LocalSpeechRequest, SynthesizeResult } from '../types.ts'
import { audioSeconds, checkText, range } from './checks.ts'
import type { SpeakResult, SynthesizeOptions, TtsClient, TtsClientEvents } from './types.ts'

export type {
  FallbackEvent,
  SpeakOptions,
  SpeakResult,
  SynthesizeOptions,
  TtsClient,
  TtsClientEvents,
} from './types.ts'

const CIRCUIT_MESSAGE = 'speech service temporarily unavailable, using device voice'

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
  const queue: WarmQueue | undefined = o.warmQueue
    ? createWarmQueue({
        storage: o.warmQueue.storage ?? memoryQueueStorage(),
        maxItems: o.warmQueue.maxItems,
        send: (items) =>
          retry((_, signal) => edge.prefetch(items, signal), {
            maxRetries: o.maxRetries,
            isRetryable: (e) => !isEdgeRequestError(e) && !isAbortedError(e),
          }),
      })
    : undefined
  const inFlight = new Set<AbortController>()
  // A new interrupting speak() cancels earlier speak()s only, never an app's synthesize().
  const speaking = new Set<AbortController>()
  let playing: Promise<unknown> = Promise.resolve()

  const warm = async (): Promise<number> => {
    if (!queue) return 0
    try {
      const sent = await queue.flush()
      if (sent > 0) events.emit('warm', { sent })
      return sent
    } catch (error) {
      events.emit('error', { error, operation: 'warm' })
      return 0
    }
  }

  /** The edge, once, or with core's retry policy when nothing local could take over. */
  const callEdge = (request: SpeechRequest, signal: AbortSignal, canFallBack: boolean) =>
    canFallBack
      ? edge.speech(request, signal)
      : retry((_, s) => edge.speech(request, s), {
          maxRetries: o.maxRetries,
          signal,
          isRetryable: (e) => !isEdgeRequestError(e) && !isAbortedError(e),
        })

  /** The one pipeline under `synthesize` and `speak`. */
  async function run(
    text: string,
    call: SynthesizeOptions,
    signal: AbortSignal,
    forSpeech: boolean,
  ): Promise<
    | SynthesizeResult
    | { direct: LocalEngine; request: LocalSpeechRequest; language: XttsLanguage; started: number }
  > {
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
    const done = (r: Omit<SynthesizeResult, 'latencyMs'>): SynthesizeResult => {
      const result = { ...r, latencyMs: Math.round((performance.now() - started) * 10) / 10 }
      metrics.success({
        provider: r.provider,
        latencyMs: result.latencyMs,
        audioSeconds: audioSeconds(r.audio, r.format),
        audioBytes: r.audio.byteLength,
      })
      events.emit('provider', {
        provider: r.provider,
        language: r.language,
        latencyMs: result.latencyMs,
        ...(r.engine ? { engine: r.engine } : {}),
      })
      if (o.debug)
        o.logger?.metric('tts.synthesis.duration', result.latencyMs, 'ms', { provider: r.provider })
      return result
    }

    const key = o.cache
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
    if (o.cache && key) {
      const hit = await safeCache(() => (o.cache as LocalCache).get(key), null)
      metrics.cacheLookup(hit !== null)
      if (hit) {
        return done({
          audio: hit.audio,
          mimeType: hit.mimeType,
          format: hit.format,
          language:
            known ?? (isXttsLanguage(hit.language) ? hit.language : await resolveLocally(input)),
          provider: 'cache',
          cacheStatus: 'hit',
          cached: true,
        })
      }
    }

    const canFallBack = o.fallback.length > 0
    let edgeError: unknown
    await breakers.ready
    const breaker = breakers.current()
    if (breaker.tryAcquire()) {
      try {
        const answer = await callEdge(request, signal, canFallBack)
        breaker.success()
        const header = answer.language?.toLowerCase()
        // An edge that does not name its choice (older, or a plain OpenAI-style server) costs the model.
        const language = known ?? (isXttsLanguage(header) ? header : await resolveLocally(input))
        if (o.cache && key) {
          const value = { audio: answer.audio, mimeType: answer.mimeType, format, language }
          await safeCache(() => (o.cache as LocalCache).set(key, value), undefined)
        }
        if (queue) void warm()
        return done({
          audio: answer.audio,
          mimeType: answer.mimeType,
          format,
          language,
          provider: 'edge',
          cacheStatus: answer.cacheStatus,
          cached: answer.cacheStatus === 'hit' || answer.cacheStatus === 'stale',
        })
      } catch (error) {
        if (signal.aborted || isAbortedError(error)) {
          breaker.release()
          throw error instanceof TtsError ? error : new AbortedError('speech was cancelled', error)
        }
        if (isEdgeRequestError(error)) {
          breaker.success() // the edge answered: it is up, the request was wrong
          throw error
        }
        breaker.failure(error)
        edgeError = error
      }
    } else {
      edgeError = new EdgeUnavailableError('circuit_open', CIRCUIT_MESSAGE)
    }

    const reason = (edgeError as { code?: string }).code ?? 'edge_failed'
    if (!canFallBack) throw edgeError
    events.emit('fallback', {
      reason,
      message:
        reason === 'circuit_open'
          ? CIRCUIT_MESSAGE
          : 'speech service unreachable, using device voice',
      error: edgeError,
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
      return { direct: outcome.engine, request: local, language, started }
    return done({
      ...outcome.audio,
      language,
      provider: 'local',
      cacheStatus: 'none',
      cached: false,
      engine: outcome.engine.name,
    })
  }

  /** Loads core's n-gram model if it is not yet loaded: the local engines need a language. */
  async function resolveLocally(input: string): Promise<XttsLanguage> {
    try {
      return (await detectLanguage(input, { languageHint: o.languageHint })).language
    } catch (error) {
      // Offline before the model's chunk was ever fetched: a voice in the default language
      // beats no speech at all.
      o.logger?.warn('language detection failed, speaking as English', { error: String(error) })
      return 'en'
    }
  }

  async function safeCache<T>(fn: () => Promise<T>, fallbackValue: T): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      events.emit('error', { error, operation: 'cache' })
      return fallbackValue
    }
  }

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

  const fail = (error: unknown, operation: 'synthesize' | 'speak') => {
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
        if ('direct' in out) throw new LocalEngineError('no local engine here renders audio bytes')
        return out
      } catch (error) {
        throw fail(error, 'synthesize')
      } finally {
        t.release()
      }
    },

    async speak(text, call = {}) {
      if (call.mode !== 'queue')
        for (const c of speaking) c.abort(new AbortedError('interrupted by a newer speak()'))
      const t = track(call.signal)
      speaking.add(t.controller)
      const previous = playing
      const mine = (async (): Promise<SpeakResult> => {
        if (call.mode === 'queue') await previous.catch(() => {})
        if (t.signal.aborted) throw new AbortedError()
        const out = await run(text, call, t.signal, true)
        if ('direct' in out) {
          // Latency is to the hand-off to the device voice, as for bytes it is to the audio in hand.
          const latencyMs = Math.round((performance.now() - out.started) * 10) / 10
          await out.direct.speak?.(out.request)
          metrics.success({
            provider: 'local',
            latencyMs,
            audioSeconds: 0,
            audioBytes: 0,
          })
          events.emit('provider', {
            provider: 'local',
            language: out.language,
            latencyMs,
            engine: out.direct.name,
          })
          return {
            mimeType: '',
            format: o.format,
            language: out.language,
            provider: 'local',
            cacheStatus: 'none',
            cached: false,
            latencyMs,
            engine: out.direct.name,
            played: 'device-voice',
          }
        }
        if (!o.player) {
          throw new ConfigError([
            {
              field: 'player',
              message:
                'speak() has no player here (Node): pass `player` to createTtsClient, or use synthesize()',
            },
          ])
        }
        await o.player({ bytes: out.audio, mimeType: out.mimeType }, t.signal)
        if (t.signal.aborted) throw new AbortedError()
        const { audio: _, ...rest } = out
        return { ...rest, played: 'audio' }
      })()
      playing = mine
      try {
        return await mine
      } catch (error) {
        throw fail(error, 'speak')
      } finally {
        speaking.delete(t.controller)
        t.release()
      }
    },

    stop() {
      for (const c of inFlight) c.abort(new AbortedError('stopped'))
    },
  }
}

/**
 * The language when the writing system decides it (or the model is already loaded), without
 * loading core's n-gram model; undefined when only the model could tell.
 */
function withoutModel(
  input: string,
  languageHint: readonly string[] | undefined,
): XttsLanguage | undefined {
  try {
    return detectLanguageSync(input, { languageHint }).language
  } catch (error) {
    if ((error as { code?: unknown }).code === 'detector_not_ready') return undefined
    throw error
  }
}
