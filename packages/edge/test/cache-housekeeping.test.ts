import { env } from 'cloudflare:test'
import { importKeyRing } from '@tts/core/crypto'
import { describe, expect, it } from 'vitest'
import { bumpGeneration, currentGeneration, forgetGenerations } from '../src/cache/generation.ts'
import { GENERATION_SETTLE_MS, runHousekeeping } from '../src/cache/housekeeping.ts'
import {
  type AudioCache,
  createAudioCache,
  type EntryMeta,
  kvName,
  r2Name,
} from '../src/cache/store.ts'
import { call, keys } from './helpers.ts'

const DAY = 24 * 3600 * 1000

function meta(over: Partial<EntryMeta> = {}): Omit<EntryMeta, 'size' | 'lastUsed'> {
  const now = Date.now()
  return {
    kind: 'segment',
    format: 'pcm',
    language: 'en',
    sampleRate: 24_000,
    durationMs: 100,
    created: now,
    expires: now + 7 * DAY,
    etag: 'e',
    upstream: 'test',
    ...over,
  }
}

async function cacheWith(
  ring: string,
  options: { edgeCache?: Cache; stamp?: { owner: string; generation: string } } = {},
): Promise<AudioCache> {
  return createAudioCache({
    r2: env.AUDIO,
    kv: env.INDEX,
    ring: await importKeyRing(ring),
    edgeCache: options.edgeCache,
    waitUntil: () => {},
    ...(options.stamp ? { stamp: options.stamp } : {}),
  })
}

const randomKey = () =>
  crypto.randomUUID().replace(/-/g, '') + crypto.randomUUID().replace(/-/g, '')

describe('an entry sealed with a key id this isolate does not know', () => {
  it('is a miss and stays in R2, in the index and in the Cache API', async () => {
    const location = await caches.open(`loc-${crypto.randomUUID()}`)
    // The fleet's new ring seals; this isolate still has the old one (a secret rollout).
    const newer = await cacheWith(env.TEST_OTHER_RING, { edgeCache: location })
    const older = await cacheWith(env.CACHE_KEYS, { edgeCache: location })
    const key = randomKey()
    await newer.put(key, new Uint8Array([1, 2, 3, 4]), meta())
    const sealed = await (await env.AUDIO.get(r2Name(key)))?.arrayBuffer()

    expect(await older.get(key)).toEqual({ miss: 'unknown-key' }) // from the Cache API copy
    await location.delete(`https://tts-edge.cache/${r2Name(key)}`)
    expect(await older.get(key)).toEqual({ miss: 'unknown-key' }) // from R2

    const after = await env.AUDIO.get(r2Name(key))
    expect(after).not.toBeNull()
    expect(new Uint8Array(await (after as R2ObjectBody).arrayBuffer())).toEqual(
      new Uint8Array(sealed as ArrayBuffer),
    )
    expect((await env.INDEX.getWithMetadata(kvName(key))).metadata).not.toBeNull()
    const hit = await newer.get(key)
    expect('bytes' in hit && [...hit.bytes]).toEqual([1, 2, 3, 4])
  })

  it('a corrupt Cache API copy is dropped alone: the R2 object answers', async () => {
    const location = await caches.open(`loc-${crypto.randomUUID()}`)
    const cache = await cacheWith(env.CACHE_KEYS, { edgeCache: location })
    const key = randomKey()
    await cache.put(key, new Uint8Array([9, 8, 7]), meta())
    const url = `https://tts-edge.cache/${r2Name(key)}`
    const copy = (await location.match(url)) as Response
    const headers = new Headers(copy.headers)
    await copy.body?.cancel()
    await location.put(url, new Response(new Uint8Array(40), { headers }))
    const found = await cache.get(key)
    expect('layer' in found && found.layer).toBe('r2')
    expect(await env.AUDIO.head(r2Name(key))).not.toBeNull()
  })
})

describe('cache generation', () => {
  it('an isolate trusts its memo for a while, then reads the new generation from KV', async () => {
    const owner = `tenant:memo-${crypto.randomUUID()}`
    let now = 1_000
    forgetGenerations()
    expect((await currentGeneration(env.INDEX, owner, () => now)).id).toBe('0')
    // Another isolate purges: this one learns of it when its memo expires.
    await env.INDEX.put(`gen:${owner}`, JSON.stringify({ id: 'g2', since: 5 }))
    expect((await currentGeneration(env.INDEX, owner, () => now)).id).toBe('0')
    now += 30_001
    expect((await currentGeneration(env.INDEX, owner, () => now)).id).toBe('g2')
    // The purging isolate knows at once.
    const bumped = await bumpGeneration(env.INDEX, owner, () => now)
    expect((await currentGeneration(env.INDEX, owner, () => now)).id).toBe(bumped.id)
    expect(bumped.id).not.toBe('g2')
  })
})

/** KV and R2 that count their calls (each one a subrequest in production). */
function counting(counter: { n: number }) {
  const count = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          counter.n++
          return (value as (...a: unknown[]) => unknown).apply(t, args)
        }
      },
    })
  return { kv: count(env.INDEX), r2: count(env.AUDIO) }
}

describe('a purge of a tenant with many entries', () => {
  it('answers after one write; the cron removes them in batches within its budget; other tenants stay', async () => {
    const tenant = `bulk-${crypto.randomUUID()}`
    const keeper = `keep-${crypto.randomUUID()}`
    const bulk = await cacheWith(env.CACHE_KEYS, {
      stamp: { owner: `tenant:${tenant}`, generation: '0' },
    })
    const kept = await cacheWith(env.CACHE_KEYS, {
      stamp: { owner: `tenant:${keeper}`, generation: '0' },
    })
    const bulkKeys = Array.from({ length: 300 }, randomKey)
    const keptKeys = Array.from({ length: 5 }, randomKey)
    for (let i = 0; i < bulkKeys.length; i += 50) {
      await Promise.all(
        bulkKeys.slice(i, i + 50).map((k) => bulk.put(k, new Uint8Array(8), meta())),
      )
    }
    await Promise.all(keptKeys.map((k) => kept.put(k, new Uint8Array(8), meta())))
    const indexed = async (ks: string[]) =>
      (await Promise.all(ks.map((k) => env.INDEX.get(kvName(k))))).filter((v) => v !== null).length

    const started = performance.now()
    const purged = await call(`/v1/cache?tenant=${tenant}`, { method: 'DELETE', key: keys.admin })
    const ms = performance.now() - started
    expect(purged.status).toBe(200)
    expect(ms).toBeLessThan(5_000) // generous: it is one KV write (and the counters' reset)
    expect(await indexed(bulkKeys)).toBe(300) // nothing deleted entry by entry in the request

    const budget = 60
    const later = Date.now() + GENERATION_SETTLE_MS + 60_000
    let runs = 0
    let retired = 0
    while ((await indexed(bulkKeys)) > 0) {
      expect(++runs).toBeLessThan(50)
      const counter = { n: 0 }
      const { kv, r2 } = counting(counter)
      const report = await runHousekeeping(kv, r2, {
        now: later,
        maxBytes: 1 << 30,
        budget,
        pageSize: 20,
      })
      expect(counter.n).toBe(report.subrequests)
      expect(report.subrequests).toBeLessThanOrEqual(budget)
      retired += report.retired
    }
    expect(runs).toBeGreaterThan(1) // batches, resumed from a cursor
    expect(retired).toBe(300)
    const left = await Promise.all(bulkKeys.map((k) => env.AUDIO.head(r2Name(k))))
    expect(left.filter((o) => o !== null)).toHaveLength(0)
    expect(await indexed(keptKeys)).toBe(5)
    for (const k of keptKeys) expect(await env.AUDIO.head(r2Name(k))).not.toBeNull()
  })
})
