/**
 * @module edge — the client's one conversation with the edge worker: `POST /v1/audio/speech`
 * and `POST /v1/audio/speech/prefetch` through a `ky` instance, with every failure turned into
 * a typed error that says whether it was the caller's fault (`EdgeRequestError`) or the
 * edge's (`EdgeUnavailableError`, the cue for the local engine).
 */
import type { XttsLanguage } from '@tts/core/lang'
import { parseRetryAfter } from '@tts/core/resilience'
import ky, { isHTTPError, isNetworkError, isTimeoutError, type KyInstance } from 'ky'
import {
  AbortedError,
  EdgeRequestError,
  EdgeUnavailableError,
  isEdgeRequestError,
} from '../errors/index.ts'
import type { AudioFormat, CacheStatus } from '../types.ts'
import { createEdgeAuth, type EdgeAuth } from './auth.ts'

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
  /** Per-attempt time to the response headers and, separately, to the whole body. */
  timeoutMs: number
  model: string
  fetch?: typeof fetch
}

/** The edge calls the client makes. */
export interface EdgeTransport {
  speech(request: SpeechRequest, signal?: AbortSignal): Promise<EdgeSpeech>
  /** Asks the edge to warm its cache for `items`; resolves on 202. */
  prefetch(items: readonly SpeechRequest[], signal?: AbortSignal): Promise<void>
}

/** The edge's limit of items per prefetch request. */
const PREFETCH_MAX_ITEMS = 100
const CACHE_STATUSES: readonly CacheStatus[] = ['hit', 'miss', 'coalesced', 'stale']

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

  const speechOnce = async (request: SpeechRequest, signal?: AbortSignal): Promise<EdgeSpeech> => {
    try {
      const response = await http.post('v1/audio/speech', {
        json: { model: options.model, ...request },
        ...(signal === undefined ? {} : { signal }),
      })
      const mimeType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
      const audio = new Uint8Array(await response.arrayBuffer())
      if (!mimeType.startsWith('audio/') || audio.byteLength === 0) {
        throw new EdgeUnavailableError(
          'invalid_audio',
          `the edge answered ${response.status} with ${audio.byteLength} bytes of '${mimeType || 'no type'}', not audio`,
          { status: response.status },
        )
      }
      const header = response.headers.get('x-tts-cache')?.toLowerCase() as CacheStatus | undefined
      return {
        audio,
        mimeType,
        cacheStatus: header !== undefined && CACHE_STATUSES.includes(header) ? header : 'miss',
        language: response.headers.get('x-tts-language') ?? undefined,
      }
    } catch (error) {
      throw await toClientError(error, signal)
    }
  }

  return {
    async speech(request, signal) {
      try {
        return await speechOnce(request, signal)
      } catch (error) {
        // An expired or refused browser token: once, with a fresh one from getToken().
        if (isEdgeRequestError(error) && error.status === 401 && auth.invalidate())
          return speechOnce(request, signal)
        throw error
      }
    },
    async prefetch(items, signal) {
      // The contract's form: each phrase carries its own voice, language, format and speed, so
      // one request holds a mixed batch; the edge takes at most 100 items per request.
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
          await http.post('v1/audio/speech/prefetch', {
            json: { model: options.model, items: batch },
            ...(signal === undefined ? {} : { signal }),
          })
        } catch (error) {
          throw await toClientError(error, signal)
        }
      }
    },
  }
}

/** 408 and 429 are the edge's state, not the caller's mistake: they fall back like a 5xx. */
function isCallerStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429
}

async function toClientError(error: unknown, signal: AbortSignal | undefined): Promise<Error> {
  if (error instanceof EdgeUnavailableError) return error
  if (signal?.aborted) return new AbortedError('speech was cancelled', signal.reason)
  if (isHTTPError(error)) {
    const status = error.response.status
    const problem = await readProblem(error.data)
    const code = problem.code ?? `http_${status}`
    const message = `the edge answered ${status}${problem.detail ? `: ${problem.detail}` : problem.title ? `: ${problem.title}` : ''}`
    if (isCallerStatus(status)) return new EdgeRequestError(status, code, message, { status })
    const retryAfterMs = parseRetryAfter(error.response.headers.get('retry-after'), Date.now())
    return new EdgeUnavailableError(code, message, {
      status,
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    })
  }
  if (isTimeoutError(error)) {
    return new EdgeUnavailableError('timeout', 'the edge did not answer in time', { cause: error })
  }
  if (isNetworkError(error) || error instanceof TypeError) {
    return new EdgeUnavailableError('network_error', 'the edge could not be reached', {
      cause: error,
    })
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new AbortedError('speech was cancelled', error)
  }
  return new EdgeUnavailableError('edge_failed', 'the edge call failed', { cause: error })
}

interface Problem {
  code?: string
  title?: string
  detail?: string
}

async function readProblem(data: unknown): Promise<Problem> {
  let body = data
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      return {}
    }
  }
  if (typeof body !== 'object' || body === null) return {}
  const b = body as Record<string, unknown>
  const pick = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined)
  const out: Problem = {}
  const code = pick('code')
  const title = pick('title')
  const detail = pick('detail')
  if (code !== undefined) out.code = code
  if (title !== undefined) out.title = title
  if (detail !== undefined) out.detail = detail
  return out
}
