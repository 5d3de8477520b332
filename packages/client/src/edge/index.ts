/**
 * @module edge — the client's one conversation with the edge worker: `POST /v1/audio/speech`
 * and `POST /v1/audio/speech/prefetch` through a `ky` instance, with every failure turned into
 * a typed error that says whether it was the caller's fault (`EdgeRequestError`) or the
 * edge's (`EdgeUnavailableError`, the cue for the local engine).
 */
import type { XttsLanguage } from '@tts/core/lang'
import ky, { type KyInstance } from 'ky'
import { isEdgeRequestError } from '../errors/index.ts'
import type { AudioFormat, CacheStatus } from '../types.ts'
import { createEdgeAuth, type EdgeAuth } from './auth.ts'
import { completeAudio, readAll } from './complete.ts'
import { toClientError } from './problems.ts'
import { deadlineFor, type EdgeStream, openSpeechStream } from './stream.ts'

export type { EdgeStream } from './stream.ts'

/** One speech request in the edge's (OpenAI-compatible) shape. */
export interface SpeechRequest {
  input: string
  voice: string
  /** `'auto'`: the edge detects it and names its choice in `X-TTS-Language`. */
  language: XttsLanguage | 'auto'
  /** With `'auto'`: the app's languages, a prior for the edge's detection. */
  language_hint?: readonly string[]
  response_format: AudioFormat
  speed: number
  /** 0.5–2 (the edge's extension; it keeps the duration). Absent is 1. */
  pitch?: number
}

/** What the edge answered. */
export interface EdgeSpeech {
  audio: Uint8Array
  mimeType: string
  cacheStatus: CacheStatus
  /** `X-TTS-Language`, when the edge sent it. */
  language: string | undefined
}

/** Options of `createEdgeTransport`. */
export interface EdgeTransportOptions {
  endpoint: string
  apiKey: string | undefined
  /** The credential provider (browser tokens); default: `apiKey` as a bearer. */
  auth?: EdgeAuth
  /** Per attempt, time to the first audio byte; the whole answer gets `deadlineFor` it. */
  timeoutMs: number
  model: string
  fetch?: typeof fetch
}

/** How a speech request is sent, besides its body. */
export interface SpeechHow {
  /**
   * `false`: sent with `Cache-Control: no-store`; the edge then reads and keeps nothing of the
   * answer (no cache layer, no stale copy, nothing queued) and sends the text upstream as one
   * call. Default `true`.
   */
  store?: boolean
}

/** The edge calls the client makes. */
export interface EdgeTransport {
  /** The audio as it arrives, once its first bytes are in. */
  speechStream(request: SpeechRequest, signal?: AbortSignal, how?: SpeechHow): Promise<EdgeStream>
  /** The whole audio, validated. */
  speech(request: SpeechRequest, signal?: AbortSignal, how?: SpeechHow): Promise<EdgeSpeech>
  /**
   * Asks the edge to warm its cache for `items`; resolves on 202 with what the edge queued and
   * what it already had queued, summed over the batches.
   */
  prefetch(items: readonly SpeechRequest[], signal?: AbortSignal): Promise<PrefetchResult>
}

/** The edge's answer to a prefetch: items queued now, and items it already had queued. */
export interface PrefetchResult {
  queued: number
  duplicates: number
}

/** `{queued, duplicates}` of a 202 body; an older edge sends neither: all counted as queued. */
async function prefetchCounts(response: Response, sent: number): Promise<PrefetchResult> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown> | null
  const count = (v: unknown) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined
  const queued = count(body?.queued)
  const duplicates = count(body?.duplicates) ?? 0
  return { queued: queued ?? sent - duplicates, duplicates }
}

/** The edge's limit of items per prefetch request. */
const PREFETCH_MAX_ITEMS = 100

/**
 * Builds the transport. Retries are not ky's: the client decides (core's policy) because a
 * retry is only worth its delay when no local engine can take over.
 *
 * @example
 * const edge = createEdgeTransport({ endpoint: 'https://tts.example', apiKey, timeoutMs: 3000, model: 'xtts-v2' })
 * const { audio } = await edge.speech({ input: 'Hi', voice: 'default', language: 'en', response_format: 'wav', speed: 1 })
 */
export function createEdgeTransport(options: EdgeTransportOptions): EdgeTransport {
  const auth = options.auth ?? createEdgeAuth({ apiKey: options.apiKey, now: Date.now })
  const http: KyInstance = ky.create({
    prefix: options.endpoint,
    timeout: options.timeoutMs,
    retry: 0,
    hooks: {
      beforeRequest: [
        async ({ request }) => {
          const header = await auth.header()
          if (header !== undefined) request.headers.set('authorization', header)
        },
      ],
    },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  })

  const openOnce = (request: SpeechRequest, signal: AbortSignal | undefined, how: SpeechHow) =>
    openSpeechStream(
      http,
      // Always a stream: the edge then sends its first sentence as soon as it is synthesized,
      // so `timeoutMs` can bound the first byte even for long texts.
      { model: options.model, ...request, stream: true },
      { timeoutMs: options.timeoutMs, deadlineMs: deadlineFor(options.timeoutMs, request.input) },
      signal,
      how.store === false ? { 'cache-control': 'no-store' } : undefined,
    )
  const open = async (request: SpeechRequest, signal?: AbortSignal, how: SpeechHow = {}) => {
    try {
      return await openOnce(request, signal, how)
    } catch (error) {
      // An expired or refused browser token: once, with a fresh one from getToken().
      if (isEdgeRequestError(error) && error.status === 401 && auth.invalidate())
        return openOnce(request, signal, how)
      throw error
    }
  }

  return {
    speechStream: open,
    async speech(request, signal, how) {
      const s = await open(request, signal, how)
      const audio = completeAudio(await readAll(s.body), s.mimeType)
      return { audio, mimeType: s.mimeType, cacheStatus: s.cacheStatus, language: s.language }
    },
    async prefetch(items, signal) {
      // The contract's form: each phrase carries its own voice, language, format and speed, so
      // one request holds a mixed batch; the edge takes at most 100 items per request.
      const total: PrefetchResult = { queued: 0, duplicates: 0 }
      for (let at = 0; at < items.length; at += PREFETCH_MAX_ITEMS) {
        const batch = items.slice(at, at + PREFETCH_MAX_ITEMS).map((i) => ({
          input: i.input,
          voice: i.voice,
          language: i.language,
          response_format: i.response_format,
          speed: i.speed,
          ...(i.pitch !== undefined && i.pitch !== 1 ? { pitch: i.pitch } : {}),
        }))
        try {
          const response = await http.post('v1/audio/speech/prefetch', {
            json: { model: options.model, items: batch },
            ...(signal === undefined ? {} : { signal }),
          })
          const counts = await prefetchCounts(response, batch.length)
          total.queued += counts.queued
          total.duplicates += counts.duplicates
        } catch (error) {
          throw await toClientError(error, signal)
        }
      }
      return total
    },
  }
}
