/**
 * `tts.stream()` in Node against the real edge (wrangler dev) in front of the real XTTS emulator
 * at the XTTS profile (first chunk after 600 ms, RTF 0.3): the stream is handed over at its
 * first bytes, long before synthesis ends; a stream the upstream cuts fails with
 * `StreamInterruptedError` and is in neither the local cache nor the edge's.
 */
import { importKeyRing } from '@tts/core/crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalCache } from '../src/cache/index.ts'
import { memoryBackend } from '../src/cache/memory-backend.ts'
import { readAll } from '../src/edge/complete.ts'
import { isStreamInterruptedError } from '../src/errors/index.ts'
import { createTtsClient } from '../src/node.ts'
import { type RunningEdge, startEdge } from './edge.ts'
import { type RunningEmulator, startEmulatorProcess } from './emulator.ts'

let emulator: RunningEmulator
let edge: RunningEdge

beforeAll(async () => {
  emulator = await startEmulatorProcess(['--ttfb-ms', '600', '--rtf', '0.3'])
  edge = await startEdge(emulator.url, { deferOnFailure: false })
  // A cold isolate's first answer (module load, speakers) is slow on a shared box; not ours to test.
  const warm = await fetch(`${edge.url}/v1/audio/speech`, {
    method: 'POST',
    headers: { authorization: `Bearer ${edge.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ voice: 'alloy', input: 'Warming up.', response_format: 'wav' }),
    signal: AbortSignal.timeout(120_000),
  })
  await warm.arrayBuffer()
}, 300_000)
afterAll(async () => {
  await edge?.stop()
  await emulator?.stop()
})

const client = () => {
  const cache = createLocalCache({
    backend: memoryBackend(),
    keyRing: importKeyRing([{ id: 'k', key: crypto.getRandomValues(new Uint8Array(32)) }]),
  })
  const tts = createTtsClient({
    endpoint: edge.url,
    apiKey: edge.apiKey,
    cache,
    fallback: false,
    warmQueue: false,
    maxRetries: 0,
    timeoutMs: 20_000, // the shared box, not the client, sets this test's pace
  })
  return { tts, cache }
}

const text = () =>
  `Stream ${crypto.randomUUID()}. The river carries the light across the valley, and the wind answers it slowly.`

describe('tts.stream() through the real edge', () => {
  it('resolves at the first bytes, long before the answer ends, and caches it once read whole', async () => {
    const { tts, cache } = client()
    const t = text()
    const started = performance.now()
    const s = await tts.stream(t, { language: 'en', format: 'wav' })
    const handedOver = performance.now() - started
    expect(s).toMatchObject({ provider: 'edge', mimeType: 'audio/wav', cacheStatus: 'miss' })
    let bytes = 0
    const reader = s.body.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength
    const ended = performance.now() - started
    // ~7 s of audio at RTF 0.3 takes ~2 s more after the first chunk.
    expect(ended - handedOver).toBeGreaterThan(1000)
    expect(bytes).toBeGreaterThan(24_000 * 2 * 3)
    expect((await cache.stats()).entries).toBe(1)
    const again = await tts.synthesize(t, { language: 'en', format: 'wav' })
    expect(again.provider).toBe('cache')
    expect(again.audio.byteLength).toBe(bytes)
  })

  it('fails a stream the upstream cuts with StreamInterruptedError, cached nowhere', async () => {
    const { tts, cache } = client()
    const t = text()
    await emulator.faults({ cutAfterBytes: 40_000 })
    let error: unknown
    try {
      const s = await tts.stream(t, { language: 'en', format: 'wav' })
      await readAll(s.body)
    } catch (e) {
      error = e
    } finally {
      await emulator.faults({ cutAfterBytes: null })
    }
    expect(isStreamInterruptedError(error)).toBe(true)
    expect((await cache.stats()).entries).toBe(0)
    // The edge did not keep it either: the same text is synthesized again, and is whole.
    const again = await tts.synthesize(t, { language: 'en', format: 'wav' })
    expect(again).toMatchObject({ provider: 'edge', cacheStatus: 'miss' })
  })
})
