/**
 * @module options — `TtsClientOptions` and the one step that turns them into the internal,
 * fully-defaulted shape, rejecting bad input early with core's `ConfigError`, which names the
 * field and says what is allowed. Core's endpoint rule (HTTPS unless loopback or debug),
 * defaults and bounds apply; core's zod schema does not, because zod would add about 95 KB
 * gzip to a browser bundle whose target is 15 KB, and these options are objects (engines,
 * caches) that a config-file schema does not describe anyway.
 */

import { ConfigError, DEFAULTS, endpointBase, LIMITS, parseEndpoint } from '@tts/core/config'
import type { Logger } from '@tts/core/log'
import type { LocalCache } from '../cache/index.ts'
import type { TokenSource } from '../edge/auth.ts'
import type { QueueStorage } from '../queue/index.ts'
import type { AudioFormat, LocalEngine } from '../types.ts'

/**
 * Plays audio for `speak()`; resolves when playback ends, stops when `signal` aborts. Calls
 * `onStart` with the `performance.now()` time of the first audible sample, when it can tell.
 */
export type AudioPlayer = (
  audio: { bytes: Uint8Array; mimeType: string; onStart?: (at: number) => void },
  signal: AbortSignal,
) => Promise<void>

/** How a streamed playback went; `speak()` returns it as `playback`. */
export interface PlaybackReport {
  /** `performance.now()` time of the first non-silent sample, if there was one. */
  firstAudioAt: number | undefined
  /** Frames scheduled, at `sampleRate` (the output's rate, after resampling). */
  frames: number
  sampleRate: number
  /** Frames of the source audio, at `sourceRate`. */
  sourceFrames: number
  sourceRate: number
  /** Times the network fell behind playback, so a join had to wait (an audible gap). */
  underruns: number
  /** Buffers whose start was not exactly the previous one's end (0 when gapless). */
  misjoins: number
}

/** Plays audio while it arrives, for `speak()` (the default in browsers: Web Audio). */
export interface StreamPlayer {
  /** True for the MIME types it can play as a stream. */
  canPlay(mimeType: string): boolean
  /** Resolves when the last sample has played; stops at once and cancels `stream` on abort. */
  play(
    audio: {
      stream: ReadableStream<Uint8Array>
      mimeType: string
      onStart?: (at: number) => void
    },
    signal: AbortSignal,
  ): Promise<PlaybackReport>
}

/** Options of `createTtsClient`. */
export interface TtsClientOptions {
  /** The edge's base URL. HTTPS unless loopback or `debug`. */
  endpoint: string | URL
  /** Sent as `Authorization: Bearer …`; never logged. For servers: never ship a key to a browser. */
  apiKey?: string
  /**
   * A browser token minted by your server with `POST /v1/tokens` (speech only, ≤ 15 min). For a
   * page that lives longer than one token, give `getToken` instead. Never logged.
   */
  token?: string
  /**
   * Fetches a browser token from your server (which holds the API key and calls
   * `POST /v1/tokens`): the token, or that call's JSON answer as is. Called when the client first
   * needs one, again shortly before it expires, and once more after the edge refuses it.
   * Tokens synthesize only, so with a token the warm queue is off.
   *
   * @example
   * getToken: () => fetch('/tts-token', { method: 'POST' }).then((r) => r.json())
   */
  getToken?: TokenSource
  /**
   * Per edge attempt, the time to the first audio byte (not the whole answer). Default 3000.
   * The whole answer may take `timeoutMs` + 100 ms per character.
   */
  timeoutMs?: number
  /** Edge retries when no local engine can take over (and for warming). Default 3. */
  maxRetries?: number
  /** The local audio cache, or `false` for none. Default: the runtime's (IndexedDB, files). */
  cache?: LocalCache | false
  /** Local engines, tried in order when the edge fails; `false` for none. */
  fallback?: LocalEngine | readonly LocalEngine[] | false
  logger?: Logger
  /** Allows plain http to any host and logs METRIC lines. */
  debug?: boolean
  /** The edge voice `voice: 'auto'` stands for. Default `'alloy'` (the edge maps OpenAI names). */
  voice?: string
  /** Default format. Default `'wav'`. */
  format?: AudioFormat
  /** Model name sent to the edge. Default `'xtts-v2'`. */
  model?: string
  /**
   * Languages the app's texts are likely in, for `language: 'auto'`: its UI locale,
   * `navigator.languages`, or the languages it ships (BCP-47 tags). A prior for detection, on
   * the edge and locally alike: it decides what the text alone leaves unsure, never against an
   * answer the text gives with confidence ≥ 0.9. Default in a browser: the page's declared
   * language (`<html lang>`, read at each call, as screen readers do); `[]` for no hint.
   */
  languageHint?: string | readonly string[]
  /**
   * The client-side breaker: consecutive failures, cool-down (default 5 and 300 000 ms), and
   * where its state survives restarts (default: localStorage in browsers, a file in Node).
   */
  breaker?: { threshold?: number; openMs?: number; storage?: QueueStorage }
  /** The queue of texts spoken locally, warmed on the edge later; `false` for none. */
  warmQueue?: { storage?: QueueStorage; maxItems?: number } | false
  /** Plays audio for `speak()`. Default: `HTMLAudioElement` in browsers, none in Node. */
  player?: AudioPlayer
  /**
   * Plays the edge's audio while it arrives. Default in browsers: `webAudioStreamPlayer()`
   * (WAV and PCM); formats it cannot stream go to `player` once complete.
   */
  streamPlayer?: StreamPlayer
  /** The `fetch` ky uses; for tests and special runtimes. */
  fetch?: typeof fetch
  /** The clock, ms. Default `Date.now`. */
  now?: () => number
}

/** The options after `normalizeOptions`: every field decided. */
export interface NormalizedOptions {
  endpoint: string
  apiKey: string | undefined
  token: string | undefined
  getToken: TokenSource | undefined
  timeoutMs: number
  maxRetries: number
  cache: LocalCache | undefined
  fallback: readonly LocalEngine[]
  logger: Logger | undefined
  debug: boolean
  voice: string
  format: AudioFormat
  model: string
  /** The app's hint; undefined: the page's language, where there is a page. */
  languageHint: readonly string[] | undefined
  breaker: { threshold: number; openMs: number; storage: QueueStorage | undefined }
  warmQueue: { storage: QueueStorage | undefined; maxItems: number } | undefined
  player: AudioPlayer | undefined
  streamPlayer: StreamPlayer | undefined
  fetch: typeof fetch | undefined
  now: () => number
}

const FORMATS: readonly AudioFormat[] = ['wav', 'pcm', 'mp3', 'opus']

/**
 * Applies defaults and checks every field.
 *
 * @example
 * normalizeOptions({ endpoint: 'http://127.0.0.1:8787' }).timeoutMs // 3000
 */
export function normalizeOptions(options: TtsClientOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'createTtsClient needs an options object with at least `endpoint`')
  }
  const debug = options.debug === true
  const endpoint = parseEndpoint(options.endpoint ?? '', { debug })
  const apiKey = options.apiKey
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.trim() === '')) {
    throw invalid('apiKey', '`apiKey` must be a non-empty string when given')
  }
  const { token, getToken } = options
  if (token !== undefined && (typeof token !== 'string' || token.trim() === '')) {
    throw invalid('token', '`token` must be a non-empty string when given')
  }
  if (getToken !== undefined && typeof getToken !== 'function') {
    throw invalid('getToken', '`getToken` must be a function')
  }
  if ((apiKey ? 1 : 0) + (token ? 1 : 0) + (getToken ? 1 : 0) > 1) {
    throw invalid('apiKey', 'give one of `apiKey`, `token`, `getToken`')
  }
  const fallback =
    options.fallback === false || options.fallback === undefined
      ? []
      : Array.isArray(options.fallback)
        ? [...options.fallback]
        : [options.fallback as LocalEngine]
  fallback.forEach((engine, i) => {
    if (typeof engine?.name !== 'string' || typeof engine.isAvailable !== 'function') {
      throw invalid(
        `fallback[${i}]`,
        '`fallback` entries must be local engines such as webSpeechEngine() or espeakEngine()',
      )
    }
  })
  const format = options.format ?? 'wav'
  if (!FORMATS.includes(format)) {
    throw invalid(
      'format',
      `\`format\` must be one of ${FORMATS.join(', ')}, got '${String(format)}'`,
    )
  }
  const wq = options.warmQueue
  return {
    endpoint: endpointBase(endpoint),
    apiKey,
    token,
    getToken,
    timeoutMs: integer(
      'timeoutMs',
      options.timeoutMs ?? DEFAULTS.timeoutMs,
      LIMITS.timeoutMs.min,
      LIMITS.timeoutMs.max,
    ),
    maxRetries: integer(
      'maxRetries',
      options.maxRetries ?? DEFAULTS.maxRetries,
      LIMITS.maxRetries.min,
      LIMITS.maxRetries.max,
    ),
    cache: options.cache === false ? undefined : options.cache,
    fallback,
    logger: options.logger,
    debug,
    voice: nonEmpty('voice', options.voice ?? 'alloy'),
    format,
    model: nonEmpty('model', options.model ?? 'xtts-v2'),
    languageHint: hintList(options.languageHint),
    breaker: {
      threshold: integer('breaker.threshold', options.breaker?.threshold ?? 5, 1, 1000),
      openMs: integer('breaker.openMs', options.breaker?.openMs ?? 300_000, 0, 86_400_000),
      storage: options.breaker?.storage,
    },
    warmQueue:
      wq === false || token !== undefined || getToken !== undefined
        ? undefined
        : {
            storage: wq?.storage,
            maxItems: integer('warmQueue.maxItems', wq?.maxItems ?? 200, 1, 10_000),
          },
    player: options.player,
    streamPlayer: options.streamPlayer,
    fetch: options.fetch,
    now: options.now ?? Date.now,
  }
}

function hintList(hint: unknown): readonly string[] | undefined {
  if (hint === undefined) return undefined
  const tags = typeof hint === 'string' ? [hint] : hint
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || t.length > 35)) {
    throw invalid(
      'languageHint',
      '`languageHint` must be a language tag or a list of them, e.g. "fr-FR" or navigator.languages',
    )
  }
  return tags.slice(0, 10)
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(
      field,
      `\`${field}\` must be an integer from ${min} to ${max}, got ${String(value)}`,
    )
  }
  return value
}

function nonEmpty(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(field, `\`${field}\` must be a non-empty string`)
  }
  return value
}

function invalid(field: string, message: string): ConfigError {
  return new ConfigError([{ field, message }])
}
