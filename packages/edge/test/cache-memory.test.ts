/**
 * The isolate's recent plaintext (cache/memory.ts) seen through the worker: a warm hit needs
 * neither R2 nor the Cache API, and it never answers another tenant, after a purge, or under
 * another key ring.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { call, keys, sentence, speak, synthesesOf } from './helpers.ts'

/** Deletes an entry's R2 object and Cache API copy behind the store's back (not its KV index). */
async function dropStoredCopies(etag: string) {
  const key = etag.replace(/"/g, '').split('.')[0] as string
  const { objects } = await env.AUDIO.list({ prefix: `audio/${key}` })
  for (const o of objects) {
    await env.AUDIO.delete(o.key)
    await (caches as unknown as { default: Cache }).default.delete(
      `https://tts-edge.cache/${o.key}`,
    )
  }
  expect(objects).toHaveLength(1)
}

async function warmHit(input: string, key = keys.speech) {
  const miss = await speak({ input, response_format: 'wav' }, { key })
  expect(miss.headers.get('x-tts-cache')).toBe('MISS')
  const hit = await speak({ input, response_format: 'wav' }, { key })
  expect(hit.headers.get('x-tts-cache')).toBe('HIT')
  await dropStoredCopies(hit.headers.get('etag') as string)
  return hit
}

describe('recent plaintext in the isolate', () => {
  it('serves warm hits from memory, whole every time, and never to another tenant', async () => {
    const input = sentence('Remembered for tenant a')
    const hit = await warmHit(input)
    for (let i = 0; i < 2; i++) {
      const again = await speak({ input, response_format: 'wav' }, { key: keys.speech })
      expect(again.headers.get('x-tts-cache')).toBe('HIT')
      expect(again.body).toEqual(hit.body)
    }
    expect((await synthesesOf(input)).total).toBe(1)
    const other = await speak({ input, response_format: 'wav' }, { key: keys.other })
    expect(other.headers.get('x-tts-cache')).toBe('MISS')
    expect((await synthesesOf(input)).total).toBe(2)
  })

  it('shows the bytes it keeps on /metrics, as a bounded cache apart from the heap', async () => {
    const hit = await warmHit(sentence('Counted in memory'))
    const res = await call('/metrics', { key: keys.admin })
    expect(res.status).toBe(200)
    const text = new TextDecoder().decode(res.body)
    const kept = Number(/^tts_edge_cache_memory_bytes (\d+)$/m.exec(text)?.[1])
    expect(kept).toBeGreaterThanOrEqual(hit.body.byteLength)
    expect(kept).toBeLessThanOrEqual(32 * 1024 * 1024)
  })

  it('forgets everything on DELETE /v1/cache', async () => {
    const input = sentence('Remembered until the purge')
    await warmHit(input)
    expect((await call('/v1/cache', { method: 'DELETE', key: keys.admin })).status).toBe(200)
    const after = await speak({ input, response_format: 'wav' }, { key: keys.speech })
    expect(after.headers.get('x-tts-cache')).toBe('MISS')
  })

  it('serves nothing it opened under a key ring that has since changed', async () => {
    const input = sentence('Remembered under the old ring')
    await warmHit(input)
    const rotated = await speak(
      { input, response_format: 'wav' },
      { key: keys.speech, env: { CACHE_KEYS: env.TEST_OTHER_RING } },
    )
    expect(rotated.headers.get('x-tts-cache')).toBe('MISS')
  })

  it('keeps nothing with CACHE_MEMORY_BYTES=0', async () => {
    const input = sentence('Not remembered')
    const off = { CACHE_MEMORY_BYTES: '0' } as Partial<Env>
    await speak({ input, response_format: 'wav' }, { key: keys.speech, env: off })
    const hit = await speak({ input, response_format: 'wav' }, { key: keys.speech, env: off })
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    await dropStoredCopies(hit.headers.get('etag') as string)
    const after = await speak({ input, response_format: 'wav' }, { key: keys.speech, env: off })
    expect(after.headers.get('x-tts-cache')).toBe('MISS')
  })
})
