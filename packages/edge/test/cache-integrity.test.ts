import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { GENERATION_SETTLE_MS } from '../src/cache/housekeeping.ts'
import worker from '../src/index.ts'
import { call, keys, sentence, speak, synthesesOf, testEnv } from './helpers.ts'

async function objectsFor(etag: string): Promise<R2Object[]> {
  const prefix = `audio/${etag.replace(/"/g, '').split('.')[0]}`
  return (await env.AUDIO.list({ prefix, include: ['customMetadata'] })).objects
}

async function purge(at: number, overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext()
  await worker.scheduled(
    createScheduledController({ scheduledTime: at, cron: '*/30 * * * *' }),
    testEnv(overrides),
    ctx,
  )
  await waitOnExecutionContext(ctx)
}

/** Lets the cron delete every entry (all past TTL and stale window as of 38 days from now). */
async function emptyCache() {
  await purge(Date.now() + (7 + 30 + 1) * 24 * 3600 * 1000)
  expect((await env.INDEX.list({ prefix: 'cache:' })).keys).toHaveLength(0)
}

async function forgetEdgeCopy(name: string) {
  await (caches as unknown as { default: Cache }).default.delete(`https://tts-edge.cache/${name}`)
}

describe('cache integrity', () => {
  it('treats a tampered R2 object as a miss, deletes it and stores a good replacement', async () => {
    const input = sentence('Tamper with me')
    const first = await speak({ input, response_format: 'wav' })
    const [object] = await objectsFor(first.headers.get('etag') as string)
    expect(object).toBeDefined()
    const stored = object as R2Object
    const sealed = new Uint8Array(
      await ((await env.AUDIO.get(stored.key)) as R2ObjectBody).arrayBuffer(),
    )
    const tampered = sealed.slice()
    tampered[tampered.length - 40] = (tampered[tampered.length - 40] ?? 0) ^ 0xff
    await env.AUDIO.put(stored.key, tampered, { customMetadata: stored.customMetadata ?? {} })
    await forgetEdgeCopy(stored.key)

    const replaced = await speak({ input, response_format: 'wav' })
    expect(replaced.status).toBe(200)
    expect(replaced.headers.get('x-tts-cache')).toBe('MISS')
    expect(parseWav(replaced.body).durationMs).toBeGreaterThan(300)
    const after = await env.AUDIO.get(stored.key)
    expect(after).not.toBeNull()
    const fresh = new Uint8Array(await (after as R2ObjectBody).arrayBuffer())
    expect(fresh).not.toEqual(tampered)

    const hit = await speak({ input, response_format: 'wav' })
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    expect(hit.body).toEqual(replaced.body)
  })

  it('treats a truncated object as a miss', async () => {
    const input = sentence('Cut me short')
    const first = await speak({ input, response_format: 'pcm' })
    const [object] = await objectsFor(first.headers.get('etag') as string)
    const stored = object as R2Object
    await env.AUDIO.put(stored.key, new Uint8Array(10), {
      customMetadata: stored.customMetadata ?? {},
    })
    await forgetEdgeCopy(stored.key)
    const again = await speak({ input, response_format: 'pcm' })
    expect(again.headers.get('x-tts-cache')).toBe('MISS')
    expect(again.body.byteLength).toBe(first.body.byteLength)
  })

  it('after a switch to a key ring without the old key, misses cleanly and re-synthesizes', async () => {
    const input = sentence('Rotate the keys')
    const first = await speak({ input, response_format: 'mp3' })
    expect(first.status).toBe(200)
    expect((await synthesesOf(input)).total).toBe(1)
    const switched = await speak(
      { input, response_format: 'mp3' },
      { env: { CACHE_KEYS: env.TEST_OTHER_RING } },
    )
    expect(switched.status).toBe(200)
    expect(switched.headers.get('x-tts-cache')).toBe('MISS')
    expect((await synthesesOf(input)).total).toBe(2)
    const hit = await speak(
      { input, response_format: 'mp3' },
      { env: { CACHE_KEYS: env.TEST_OTHER_RING } },
    )
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
  })

  it('still opens entries sealed with an older key that the ring lists after the new one', async () => {
    const input = sentence('Old keys still open')
    await speak({ input, response_format: 'pcm' })
    const rotated = `${env.TEST_OTHER_RING.split(',')[0]},${env.CACHE_KEYS}`
    const hit = await speak({ input, response_format: 'pcm' }, { env: { CACHE_KEYS: rotated } })
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
  })
})

describe('cache expiry and eviction (cron)', () => {
  it('purges entries past their TTL', async () => {
    const input = sentence('Expire me')
    const first = await speak({ input, response_format: 'wav' })
    expect(await objectsFor(first.headers.get('etag') as string)).toHaveLength(1)
    const day = 24 * 3600 * 1000
    // Past its 7-day TTL but inside the stale window (30 days by default) the copy is kept as
    // the STALE fallback for outages; past the window the cron deletes it.
    await purge(Date.now() + 8 * day)
    expect(await objectsFor(first.headers.get('etag') as string)).toHaveLength(1)
    const before = (await env.AUDIO.list({ prefix: 'audio/' })).objects.map((o) => o.key)
    await purge(Date.now() + (7 + 30 + 1) * day)
    expect(await objectsFor(first.headers.get('etag') as string)).toHaveLength(0)
    expect((await synthesesOf(input)).total).toBe(1)
    // Only the cron's clock moved: in real time the entries are young, and this location's
    // Cache API copies (whose max-age ends at their entry's expiry) would still answer.
    for (const name of before) await forgetEdgeCopy(name)
    const again = await speak({ input, response_format: 'wav' })
    expect(again.headers.get('x-tts-cache')).toBe('MISS')
    expect((await synthesesOf(input)).total).toBe(2)
  })

  it('treats an entry past its TTL as a miss even before the cron ran', async () => {
    const input = sentence('Short lived')
    await speak({ input, response_format: 'pcm' }, { env: { CACHE_TTL_SECONDS: '1' } })
    await new Promise((r) => setTimeout(r, 1100))
    const again = await speak(
      { input, response_format: 'pcm' },
      { env: { CACHE_TTL_SECONDS: '1' } },
    )
    expect(again.headers.get('x-tts-cache')).toBe('MISS')
  })

  it('evicts the least recently used entries past CACHE_MAX_BYTES', async () => {
    await emptyCache()
    const old = sentence('Oldest entry')
    const newer = sentence('Newer entry')
    const a = await speak({ input: old, response_format: 'pcm' })
    const b = await speak({ input: newer, response_format: 'pcm' })
    const stats = (await call('/v1/cache/stats')).json<{ entries: number; bytes: number }>()
    expect(stats.entries).toBe(4)
    const sizeOf = async (etag: string) => ((await objectsFor(etag))[0] as R2Object).size
    const newerBytes = (await sizeOf(b.headers.get('etag') as string)) * 2 + 64
    await purge(Date.now(), { CACHE_MAX_BYTES: String(newerBytes) })
    expect(await objectsFor(a.headers.get('etag') as string)).toHaveLength(0)
    expect(await objectsFor(b.headers.get('etag') as string)).toHaveLength(1)
    const after = (await call('/v1/cache/stats')).json<{ entries: number; bytes: number }>()
    expect(after.entries).toBe(2)
    expect(after.bytes).toBeLessThanOrEqual(newerBytes)
    expect((await speak({ input: newer, response_format: 'pcm' })).headers.get('x-tts-cache')).toBe(
      'HIT',
    )
  })
})

describe('cache orphans (cron)', () => {
  it('deletes R2 objects that no index entry knows, once they are over an hour old', async () => {
    const input = sentence('Indexed and kept')
    const kept = await speak({ input, response_format: 'pcm' })
    await env.AUDIO.put(`audio/${'ab'.repeat(32)}`, new Uint8Array(64))
    await purge(Date.now())
    expect(await env.AUDIO.head(`audio/${'ab'.repeat(32)}`)).not.toBeNull()
    await purge(Date.now() + 2 * 3600 * 1000)
    expect(await env.AUDIO.head(`audio/${'ab'.repeat(32)}`)).toBeNull()
    expect(await objectsFor(kept.headers.get('etag') as string)).toHaveLength(1)
  })
})

describe('cache stats and purge', () => {
  it("reports entries, bytes and hit rate; DELETE /v1/cache (admin) purges a tenant's entries", async () => {
    await emptyCache()
    await call('/v1/cache', { method: 'DELETE', key: keys.admin }) // resets the counters
    const input = sentence('Counted')
    const first = await speak({ input, response_format: 'pcm' })
    await speak({ input, response_format: 'pcm' })
    // The admin key sees every scope (a speech key only its own: test/cache-stats.test.ts).
    const stats = (await call('/v1/cache/stats')).json<Record<string, number>>()
    expect(stats.entries).toBe(2)
    expect(stats.responses).toBe(1)
    expect(stats.segments).toBe(1)
    expect(stats.bytes).toBeGreaterThan(0)
    expect(stats.hits).toBe(1)
    expect(stats.misses).toBe(1)
    expect(stats.hitRate).toBe(0.5)
    expect((await call('/v1/cache', { method: 'DELETE', key: keys.speech })).status).toBe(403)
    const purged = await call('/v1/cache', { method: 'DELETE', key: keys.admin })
    expect(purged.json()).toMatchObject({ tenant: 'ops', deleted: 0 })
    expect((await speak({ input, response_format: 'pcm' })).headers.get('x-tts-cache')).toBe('MISS')
    // The old entries are removed by the cron once the purge has settled everywhere.
    expect(await objectsFor(first.headers.get('etag') as string)).toHaveLength(1)
    await purge(Date.now() + GENERATION_SETTLE_MS + 60_000)
    expect(await objectsFor(first.headers.get('etag') as string)).toHaveLength(0)
    expect((await call('/v1/cache/stats')).json<Record<string, number>>().entries).toBe(2)
  })

  it('keeps no text in clear in the index or the objects', async () => {
    const input = sentence('Secret words nobody may read')
    await speak({ input, response_format: 'wav' })
    const listed = await env.INDEX.list({ prefix: 'cache:' })
    const objects = await env.AUDIO.list({ include: ['customMetadata'] })
    const haystack = JSON.stringify([listed, objects.objects.map((o) => o.customMetadata)])
    expect(haystack).not.toContain('Secret words')
    for (const o of objects.objects) {
      const raw = new TextDecoder().decode(
        await ((await env.AUDIO.get(o.key)) as R2ObjectBody).arrayBuffer(),
      )
      expect(raw).not.toContain('Secret words')
    }
  })
})
