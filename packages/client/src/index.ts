/**
 * @module @tts/client — the SDK apps import: `createTtsClient` asks the edge, keeps an
 * encrypted local cache, and speaks with a local engine the moment the edge fails. This entry
 * has no Node built-ins; Node apps take `@tts/client/node` (file cache, espeak by default) and
 * browsers that want offline espeak take `@tts/client/espeak`.
 */
import { endpointId } from './breaker/index.ts'
import { indexedDbCache } from './cache/idb-backend.ts'
import { createTtsClient as createClient } from './client/index.ts'
import type { TtsClient } from './client/types.ts'
import { webSpeechEngine } from './engines/web-speech.ts'
import type { TtsClientOptions } from './options/index.ts'
import { canPlayInPage, htmlAudioPlayer } from './playback/browser.ts'
import { canStreamInPage, webAudioStreamPlayer } from './playback/web-audio.ts'
import { localStorageQueueStorage, memoryQueueStorage } from './queue/index.ts'

/**
 * Creates a client with the browser's defaults: IndexedDB cache, the device's voices
 * (`webSpeechEngine()`) as fallback, WAV/PCM played through Web Audio as it arrives
 * (`webAudioStreamPlayer()`), other formats through `<audio>`, the warm queue in `localStorage`.
 * Every default is replaced by passing the option.
 *
 * @example
 * import { createTtsClient } from '@tts/client'
 * const tts = createTtsClient({ endpoint: 'https://tts.example.com', apiKey })
 * await tts.speak('مرحبا بكم') // Arabic detected; device voice ar-SA if the edge is down
 */
export function createTtsClient(options: TtsClientOptions): TtsClient {
  const hasIdb = typeof globalThis.indexedDB !== 'undefined'
  const hasStorage = typeof globalThis.localStorage !== 'undefined'
  return createClient({
    ...options,
    cache: options.cache ?? (hasIdb ? indexedDbCache() : false),
    fallback: options.fallback ?? [webSpeechEngine()],
    warmQueue: options.warmQueue ?? {
      storage: hasStorage ? localStorageQueueStorage() : memoryQueueStorage(),
    },
    breaker: {
      ...options.breaker,
      storage:
        options.breaker?.storage ??
        (hasStorage
          ? localStorageQueueStorage(`tts-edge:breaker:${endpointId(options.endpoint)}`)
          : memoryQueueStorage()),
    },
    ...(options.streamPlayer
      ? { streamPlayer: options.streamPlayer }
      : canStreamInPage()
        ? { streamPlayer: webAudioStreamPlayer() }
        : {}),
    ...(options.player
      ? { player: options.player }
      : canPlayInPage()
        ? { player: htmlAudioPlayer() }
        : {}),
  })
}

export {
  type IndexedDbCacheOptions,
  idbBackend,
  idbKeyRing,
  indexedDbCache,
  openCacheDb,
} from './cache/idb-backend.ts'
export {
  type CachedAudio,
  type CacheStats,
  createLocalCache,
  DEFAULT_MAX_BYTES,
  DEFAULT_TTL_MS,
  type LocalCache,
  type LocalCacheOptions,
} from './cache/index.ts'
export { memoryBackend } from './cache/memory-backend.ts'
export type { CacheBackend, EntryInfo } from './cache/types.ts'
export type {
  FallbackEvent,
  SpeakOptions,
  SpeakResult,
  SpeechStream,
  SynthesizeOptions,
  TtsClient,
  TtsClientEvents,
} from './client/types.ts'
export type { TokenSource } from './edge/auth.ts'
export type { EdgeSpeech, EdgeStream, PrefetchResult, SpeechRequest } from './edge/index.ts'
export { deadlineFor } from './edge/stream.ts'
export { type WebSpeechEngineOptions, webSpeechEngine } from './engines/web-speech.ts'
export {
  AbortedError,
  ConfigError,
  EdgeRequestError,
  EdgeUnavailableError,
  InvalidRequestError,
  isAbortedError,
  isConfigError,
  isEdgeLimitError,
  isEdgeRequestError,
  isEdgeUnavailableError,
  isInputRejectedError,
  isInvalidRequestError,
  isLocalEngineError,
  isStreamInterruptedError,
  isTtsError,
  LocalEngineError,
  StreamInterruptedError,
  TtsError,
} from './errors/index.ts'
export {
  type EdgeLimitCode,
  EdgeLimitError,
  InputRejectedError,
  type QuotaWindowFigures,
  type RateLimitFigures,
} from './errors/limits.ts'
export type { MetricsSnapshot } from './metrics/index.ts'
export {
  type AudioPlayer,
  type NormalizedOptions,
  normalizeOptions,
  type PlaybackReport,
  type StreamPlayer,
  type TtsClientOptions,
} from './options/index.ts'
export { canPlayInPage, htmlAudioPlayer } from './playback/browser.ts'
export { createPcmDecoder, type PcmDecoder } from './playback/pcm-decoder.ts'
export {
  canStreamInPage,
  type WebAudioStreamPlayerOptions,
  webAudioStreamPlayer,
} from './playback/web-audio.ts'
export {
  createWarmQueue,
  localStorageQueueStorage,
  memoryQueueStorage,
  type QueueStorage,
  type WarmQueue,
  type WarmQueueOptions,
} from './queue/index.ts'
export type {
  AudioFormat,
  CacheStatus,
  LocalAudio,
  LocalEngine,
  LocalSpeechRequest,
  Provider,
  SynthesizeResult,
} from './types.ts'
export { createVoices, type Voice, type Voices, type VoicesOptions } from './voices/index.ts'
