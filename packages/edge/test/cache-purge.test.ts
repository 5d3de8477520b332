import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { forgetGenerations } from '../src/cache/generation.ts'
import { GENERATION_SETTLE_MS } from '../src/cache/housekeeping.ts'
import { useLocationCache } from '../src/cache/store.ts'
import worker from '../src/index.ts'
import { call, keys, sentence, speak, synthesesOf, testEnv } from './helpers.ts'

/** R2 name of the entry an answer's ETag names (its first 16 hex digits are the key's). */
async function objectOf(etag: string | null): Promise<string | undefined> {
  const prefix = `audio/${(etag ?? '').replace(/"/g, '').split('.')[0]}`
  return (await env.AUDIO.list({ prefix })).objects[0]?.key
}

async function cron(at: number) {
  const ctx = createExecutionContext()
  await worker.scheduled(
    createScheduledController({ scheduledTime: at, cron: '*/30 * * * *' }),
    testEnv(),
    ctx,
  )
  await waitOnExecutionContext(ctx)
}

/** Asks in the other location: its own Cache API namespace and an isolate that has not memoised the generation. */
async function inOtherLocation<T>(other: Cache, run: () => Promise<T>): Promise<T> {
  forgetGenerations()
  useLocationCache(other)
  try {
    return await run()
  } finally {
    useLocationCache(undefined)
  }
}

afterEach(() => useLocationCache(undefined))

describe('DELETE /v1/cache: a purge holds in every location', () => {
  it("after a purge in location A, location B misses although its Cache API still holds the old copy; other tenants' entries survive", async () => {
    const other = await caches.open(`other-location-${crypto.randomUUID()}`)
    const input = sentence('Purged in every location')
    const first = await speak({ input, response_format: 'wav' }, { key: keys.speech })
    expect(first.headers.get('x-tts-cache')).toBe('MISS')
    const otherTenant = await speak({ input, response_format: 'wav' }, { key: keys.other })
    expect(otherTenant.headers.get('x-tts-cache')).toBe('MISS')
    expect((await synthesesOf(input)).total).toBe(2)

    // Location B serves tenant-a once (from R2) and keeps its own copy.
    const inB = await inOtherLocation(other, () =>
      speak({ input, response_format: 'wav' }, { key: keys.speech }),
    )
    expect(inB.headers.get('x-tts-cache')).toBe('HIT')
    const oldName = (await objectOf(first.headers.get('etag'))) as string
    expect(oldName).toBeDefined()
    const copyUrl = `https://tts-edge.cache/${oldName}`
    const copy = await other.match(copyUrl)
    expect(copy).toBeDefined()
    await copy?.body?.cancel()

    const purged = await call('/v1/cache?tenant=tenant-a', { method: 'DELETE', key: keys.admin })
    expect(purged.status).toBe(200)
    expect(purged.json()).toMatchObject({ tenant: 'tenant-a', deleted: 0 })

    const afterInB = await inOtherLocation(other, () =>
      speak({ input, response_format: 'wav' }, { key: keys.speech }),
    )
    expect(afterInB.headers.get('x-tts-cache')).toBe('MISS')
    expect((await synthesesOf(input)).total).toBe(3)
    const stillThere = await other.match(copyUrl)
    expect(stillThere).toBeDefined() // the old copy is there, and was not served
    await stillThere?.body?.cancel()

    // Location A (the purging isolate) and B now share the new generation's entry.
    const inA = await speak({ input, response_format: 'wav' }, { key: keys.speech })
    expect(inA.headers.get('x-tts-cache')).toBe('HIT')
    expect(inA.headers.get('etag')).not.toBe(first.headers.get('etag'))
    // The other tenant was not purged.
    const otherAgain = await speak({ input, response_format: 'wav' }, { key: keys.other })
    expect(otherAgain.headers.get('x-tts-cache')).toBe('HIT')
    expect(otherAgain.headers.get('etag')).toBe(otherTenant.headers.get('etag'))
    expect((await synthesesOf(input)).total).toBe(3)

    // The old object stays until the cron, which leaves it alone until the purge settled.
    await cron(Date.now())
    expect(await env.AUDIO.head(oldName)).not.toBeNull()
    await cron(Date.now() + GENERATION_SETTLE_MS + 60_000)
    expect(await env.AUDIO.head(oldName)).toBeNull()
    expect(await env.INDEX.get(`cache:${oldName.slice('audio/'.length)}`)).toBeNull()
    expect(await objectOf(otherTenant.headers.get('etag'))).toBeDefined()
    expect(await objectOf(inA.headers.get('etag'))).toBeDefined()
    const last = await speak({ input, response_format: 'wav' }, { key: keys.speech })
    expect(last.headers.get('x-tts-cache')).toBe('HIT')
  })

  it('purges the caller’s own tenant by default, and refuses a tenant name that is not allowed', async () => {
    const input = sentence('Own tenant purge')
    await speak({ input, response_format: 'pcm' }, { key: keys.speech })
    const own = await call('/v1/cache', { method: 'DELETE', key: keys.admin })
    expect(own.status).toBe(200)
    expect(own.json()).toMatchObject({ tenant: 'ops' })
    // The admin's own tenant is "ops": tenant-a's entry is untouched.
    expect(
      (await speak({ input, response_format: 'pcm' }, { key: keys.speech })).headers.get(
        'x-tts-cache',
      ),
    ).toBe('HIT')
    expect((await call('/v1/cache', { method: 'DELETE', key: keys.speech })).status).toBe(403)
    const tooLong = await call(`/v1/cache?tenant=${'x'.repeat(129)}`, {
      method: 'DELETE',
      key: keys.admin,
    })
    expect(tooLong.status).toBe(400)
    const shared = await call('/v1/cache?tenant=tenant-a', {
      method: 'DELETE',
      key: keys.admin,
      env: { CACHE_TENANCY: 'shared' },
    })
    expect(shared.status).toBe(400)
    expect(shared.json()).toMatchObject({ code: 'invalid_request' })
  })
})
