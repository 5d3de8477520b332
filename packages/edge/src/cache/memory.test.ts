import { env } from 'cloudflare:test'
import { generateKeyBase64, importKeyRing, type KeyRing } from '@tts/core/crypto'
import { describe, expect, it } from 'vitest'
import { forgetRecentAudio, RECENT_AUDIO_MAX_AGE_MS, recentAudioOf } from './memory.ts'
import { createAudioCache, type EntryMeta, r2Name } from './store.ts'

const ringOf = () => importKeyRing(`m${crypto.randomUUID().slice(0, 8)}:${generateKeyBase64()}`)
const entry = (size: number, expires: number) => ({
  bytes: new Uint8Array(size).fill(7),
  meta: { expires },
})
const uniqueKey = () => crypto.randomUUID().replaceAll('-', '').repeat(2)

describe('recent plaintext (cache/memory)', () => {
  it('stays within its byte budget, dropping the least recently used first', async () => {
    const recent = recentAudioOf(await ringOf(), 8000)
    const [a, b, c] = [uniqueKey(), uniqueKey(), uniqueKey()]
    recent.set(a, entry(1000, 10_000), 0)
    recent.set(b, entry(1000, 10_000), 0)
    for (let i = 0; i < 20; i++) recent.set(uniqueKey(), entry(500, 10_000), 0)
    expect(recent.bytes).toBeLessThanOrEqual(8000)
    expect(recent.get(a, 1)).toBeUndefined()
    // One entry may take an eighth of the budget, so a long answer cannot flush the rest.
    recent.set(c, entry(1001, 10_000), 0)
    expect(recent.get(c, 1)).toBeUndefined()
  })

  it("never serves an entry past its own expiry, on the caller's clock", async () => {
    const recent = recentAudioOf(await ringOf(), 8000)
    const key = uniqueKey()
    recent.set(key, entry(100, 5_000), 1_000)
    expect(recent.get(key, 4_999)?.bytes.byteLength).toBe(100)
    expect(recent.get(key, 5_000)).toBeUndefined()
    recent.set(key, entry(100, 5_000), 5_000)
    expect(recent.get(key, 1_000)).toBeUndefined()
  })

  it('asks storage again after 5 minutes, however long the entry lives', async () => {
    // lru-cache reads a start time of 0 as "no ttl": the fake clock starts later.
    let now = 1_000
    const recent = recentAudioOf(await ringOf(), 8000, () => now)
    const key = uniqueKey()
    recent.set(key, entry(100, 7 * 24 * 3600_000), now)
    now += RECENT_AUDIO_MAX_AGE_MS - 1
    expect(recent.get(key, now)).toBeDefined()
    now += 2
    expect(recent.get(key, now)).toBeUndefined()
  })

  it('starts empty for another key ring, and forgets everything on a purge', async () => {
    const ring = await ringOf()
    const key = uniqueKey()
    recentAudioOf(ring, 8000).set(key, entry(100, 5_000), 0)
    expect(recentAudioOf(ring).get(key, 1)).toBeDefined()
    expect(recentAudioOf(await ringOf(), 8000).get(key, 1)).toBeUndefined()
    const again = recentAudioOf(ring, 8000)
    again.set(key, entry(100, 5_000), 0)
    forgetRecentAudio()
    expect(again.get(key, 1)).toBeUndefined()
  })

  it('keeps nothing with a budget of 0', async () => {
    const recent = recentAudioOf(await ringOf(), 0)
    const key = uniqueKey()
    recent.set(key, entry(10, 5_000), 0)
    expect(recent.get(key, 1)).toBeUndefined()
    expect(recent.bytes).toBe(0)
  })
})

describe('the store with recent plaintext', () => {
  async function storeAt(ring: KeyRing, clock: { now: number }) {
    const pending: Promise<unknown>[] = []
    const cache = createAudioCache({
      r2: env.AUDIO,
      kv: env.INDEX,
      ring,
      edgeCache: undefined,
      waitUntil: (p) => pending.push(p),
      now: () => clock.now,
      memoryBytes: 1024 * 1024,
    })
    return { cache, settle: () => Promise.all(pending) }
  }

  const meta = (created: number): Omit<EntryMeta, 'size' | 'lastUsed'> => ({
    kind: 'response',
    format: 'wav',
    language: 'en',
    sampleRate: 24_000,
    durationMs: 1,
    created,
    expires: created + 1_000,
    etag: 'e',
    upstream: 'test',
  })

  it('answers a second hit from memory, and not past the entry expiry', async () => {
    const clock = { now: 1_000_000 }
    const { cache, settle } = await storeAt(await ringOf(), clock)
    const key = uniqueKey()
    const audio = crypto.getRandomValues(new Uint8Array(4096))
    await cache.put(key, audio, meta(clock.now))
    const first = await cache.get(key)
    expect('layer' in first && first.layer).toBe('r2')
    const second = await cache.get(key)
    expect('layer' in second && second.layer).toBe('memory')
    expect('bytes' in second && second.bytes).toEqual(audio)
    clock.now += 1_000
    expect(await cache.get(key)).toEqual({ miss: 'expired' })
    await settle()
  })

  it('forgets an entry the store deletes', async () => {
    const clock = { now: 2_000_000 }
    const { cache, settle } = await storeAt(await ringOf(), clock)
    const key = uniqueKey()
    await cache.put(key, new Uint8Array(64).fill(1), meta(clock.now))
    await cache.get(key)
    await cache.delete(key)
    expect(await env.AUDIO.head(r2Name(key))).toBeNull()
    expect(await cache.get(key)).toEqual({ miss: 'absent' })
    await settle()
  })
})
