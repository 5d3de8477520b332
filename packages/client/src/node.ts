/**
 * @module @tts/client/node — the client for Node apps: the encrypted file cache under the
 * platform cache directory, espeak-ng as the local engine, the warm queue in a file beside the
 * cache, and no player by default (Node apps mostly want bytes; pass `player` to `speak`).
 */
import { join } from 'node:path'
import { endpointId } from './breaker/index.ts'
import { createTtsClient as createClient } from './client/index.ts'
import type { TtsClient } from './client/types.ts'
import { espeakEngine } from './engines/espeak.ts'
import { fileCache } from './node/file-cache.ts'
import { platformCacheDir } from './node/paths.ts'
import { fileQueueStorage } from './node/queue-storage.ts'
import type { TtsClientOptions } from './options/index.ts'

/**
 * Creates a client with Node's defaults; every default is replaced by passing the option.
 *
 * @example
 * import { createTtsClient } from '@tts/client/node'
 * const tts = createTtsClient({ endpoint: 'https://tts.example.com', apiKey: process.env.TTS_API_KEY })
 * const { audio, provider } = await tts.synthesize('Hello there')
 */
export function createTtsClient(options: TtsClientOptions): TtsClient {
  return createClient({
    ...options,
    cache: options.cache ?? fileCache(),
    fallback: options.fallback ?? [espeakEngine()],
    warmQueue: options.warmQueue ?? {
      storage: fileQueueStorage(join(platformCacheDir(), 'warm-queue.json')),
    },
    breaker: {
      ...options.breaker,
      storage:
        options.breaker?.storage ??
        fileQueueStorage(join(platformCacheDir(), `breaker-${endpointId(options.endpoint)}.json`)),
    },
  })
}

export { atomicWrite, type FileBackendOptions, fileBackend } from './cache/file-backend.ts'
export { type EspeakEngineOptions, espeakEngine } from './engines/espeak.ts'
export { type FileCacheOptions, fileCache } from './node/file-cache.ts'
export { platformCacheDir } from './node/paths.ts'
export { fileQueueStorage } from './node/queue-storage.ts'
