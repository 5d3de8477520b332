import { importKeyRing } from '@tts/core/crypto'
import { describe, expect, it } from 'vitest'
import { type CachedAudio, createLocalCache } from './index.ts'
import { memoryBackend } from './memory-backend.ts'

const key = (n: number) => n.toString(16).padStart(64, '0')
const audio = (size: number, fill = 1): CachedAudio => ({
  audio: new Uint8Array(size).fill(fill),
  mimeType: 'audio/wav',
  format: 'wav',
  language: 'fr',
})
const ring = () => importKeyRing([{ id: 'k1', key: new Uint8Array(32).fill(7) }])

function setup(options: { ttlMs?: number; maxBytes?: number } = {}) {
  let t = 1_000_000
  const backend = memoryBackend()
  const corrupt: string[] = []
  const cache = createLocalCache({
    backend,
    keyRing: ring(),
    now: () => t,
    onCorrupt: (k) => corrupt.push(k),
    ...options,
  })
  return { cache, backend, corrupt, advance: (ms: number) => (t += ms) }
}

describe('local cache', () => {
  it('round-trips audio and its metadata, sealed at rest', async () => {
    const { cache, backend } = setup()
    await cache.set(key(1), audio(500, 42))
    const sealed = backend.blobs.get(key(1))
    expect(sealed).toBeDefined()
    expect(
      Buffer.from(sealed as Uint8Array).includes(Buffer.from(new Uint8Array(64).fill(42))),
    ).toBe(false)
    expect(await cache.get(key(1))).toEqual(audio(500, 42))
    expect(await cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 0 })
  })

  it('misses and removes an entry past its TTL', async () => {
    const { cache, backend, advance } = setup({ ttlMs: 1000 })
    await cache.set(key(1), audio(10))
    advance(999)
    expect(await cache.get(key(1))).not.toBeNull()
    advance(1)
    expect(await cache.get(key(1))).toBeNull()
    expect(backend.blobs.has(key(1))).toBe(false)
  })

  it('evicts the least recently used past the byte cap', async () => {
    const { cache, advance } = setup({ maxBytes: 3 * 1100 })
    for (const n of [1, 2, 3]) {
      await cache.set(key(n), audio(1000, n))
      advance(10)
    }
    await cache.get(key(1)) // 1 is now the most recent; 2 is the oldest
    advance(10)
    await cache.set(key(4), audio(1000, 4))
    expect(await cache.get(key(2))).toBeNull()
    for (const n of [1, 3, 4]) expect(await cache.get(key(n))).not.toBeNull()
    const stats = await cache.stats()
    expect(stats.evictions).toBe(1)
    expect(stats.bytes).toBeLessThanOrEqual(3 * 1100)
  })

  it('treats a tampered entry as a miss and removes it', async () => {
    const { cache, backend, corrupt } = setup()
    await cache.set(key(1), audio(100))
    const sealed = backend.blobs.get(key(1)) as Uint8Array
    sealed[sealed.length - 5] = (sealed[sealed.length - 5] ?? 0) ^ 0xff
    expect(await cache.get(key(1))).toBeNull()
    expect(corrupt).toEqual([key(1)])
    expect(backend.blobs.has(key(1))).toBe(false)
    expect(await cache.stats()).toMatchObject({ entries: 0, corrupt: 1 })
  })

  it('will not open an entry under another key (the cache key is the AAD)', async () => {
    const { cache, backend } = setup()
    await cache.set(key(1), audio(100))
    await cache.set(key(2), audio(100, 9))
    backend.blobs.set(key(2), backend.blobs.get(key(1)) as Uint8Array)
    expect(await cache.get(key(2))).toBeNull()
  })

  it('clears everything', async () => {
    const { cache } = setup()
    await cache.set(key(1), audio(10))
    await cache.clear()
    expect(await cache.get(key(1))).toBeNull()
    expect((await cache.stats()).entries).toBe(0)
  })
})
