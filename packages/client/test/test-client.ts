/**
 * @module test/test-client — a client under unit test: a scripted local server as its edge
 * (stopped when the test ends), the recording fake engine as its local voice, a memory cache and
 * warm queue, and a clock the test moves. For unit tests of the client's routing; the real edge
 * and emulator are in test/*.integration.test.ts.
 */
import { importKeyRing } from '@tts/core/crypto'
import { onTestFinished } from 'vitest'
import { createLocalCache, type LocalCache } from '../src/cache/index.ts'
import { memoryBackend } from '../src/cache/memory-backend.ts'
import { createTtsClient } from '../src/client/index.ts'
import type { FallbackEvent, TtsClient } from '../src/client/types.ts'
import type { TtsClientOptions } from '../src/options/index.ts'
import { memoryQueueStorage, type QueueStorage } from '../src/queue/index.ts'
import type { LocalSpeechRequest } from '../src/types.ts'
import { fakeEngine } from './fake-engine.ts'
import { type Handler, type Recorded, startServer } from './http-server.ts'

/** What a test drives and looks at. */
export interface TestClient {
  client: TtsClient
  server: Awaited<ReturnType<typeof startServer>>
  /** What the fake local engine was asked, in order. */
  calls: LocalSpeechRequest[]
  /** The warm queue's storage. */
  storage: QueueStorage
  /** The memory cache the client got (not used when `options.cache` replaces it). */
  cache: LocalCache
  /** Every `fallback` event, in order. */
  fallbacks: FallbackEvent[]
  /** The speech requests the server got (not prefetches). */
  speech: () => Recorded[]
  /** Moves the client's clock on by `ms` (it starts at 1,000,000). */
  advance: (ms: number) => void
}

/**
 * Starts a server answering with `handler` and a client over it; `options` override the
 * defaults. `create` is for a test that imports the client afresh (`vi.resetModules`).
 *
 * @example
 * const { client, speech } = await testClient((_, res) => sendWav(res))
 */
export async function testClient(
  handler: Handler,
  options: Partial<TtsClientOptions> = {},
  create: typeof createTtsClient = createTtsClient,
): Promise<TestClient> {
  const server = await startServer(handler)
  onTestFinished(server.close)
  let t = 1_000_000
  const { engine, calls } = fakeEngine()
  const storage = memoryQueueStorage()
  const cache = createLocalCache({
    backend: memoryBackend(),
    keyRing: importKeyRing([{ id: 'k', key: new Uint8Array(32).fill(1) }]),
  })
  const client = create({
    endpoint: server.url,
    apiKey: 'sk-unit',
    cache,
    fallback: engine,
    warmQueue: { storage },
    now: () => t,
    timeoutMs: 1000,
    ...options,
  })
  const fallbacks: FallbackEvent[] = []
  client.on('fallback', (e) => fallbacks.push(e))
  const speech = () => server.requests.filter((r) => r.url === '/v1/audio/speech')
  const advance = (ms: number) => {
    t += ms
  }
  return { client, server, calls, storage, cache, fallbacks, speech, advance }
}
