import { waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import type { Principal } from '../src/auth/index.ts'
import { PoolError } from '../src/pool/errors.ts'
import { whenNothingServes } from '../src/speech/unserved.ts'
import { sentence, speak } from './helpers.ts'
import { measured, poolEmulators, poolEnv, releasePools, withStaleCopy } from './pool-helpers.ts'

afterEach(releasePools)

const principal = { tenant: 'tenant-a', scopes: ['speech'], keyId: 'k-stale' } as Principal

async function setUp(options: Record<string, unknown>) {
  const [a] = await poolEmulators()
  return withStaleCopy(
    poolEnv([{ url: a.url }], options),
    sentence('Kept past its time'),
    principal,
  )
}

describe('stale copies', () => {
  it('when nothing can serve, an expired copy is served labelled STALE', async () => {
    const { ctx, exec, prepared, input, audio } = await setUp({})
    const started = performance.now()
    const res = await whenNothingServes(
      ctx,
      new Request('http://edge.test/v1/audio/speech'),
      prepared,
      input,
      new PoolError('circuit_open', 'every circuit is open', 30),
    )
    const ms = performance.now() - started
    await waitOnExecutionContext(exec)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-tts-cache')).toBe('STALE')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(audio)
    measured('stale read', { ms: Math.round(ms) })
  })

  it('is configurable: with serveStale off the 503 stands', async () => {
    const { ctx, exec, prepared, input } = await setUp({ serveStale: false })
    const error = new PoolError('circuit_open', 'every circuit is open', 30)
    await expect(
      whenNothingServes(ctx, new Request('http://edge.test/'), prepared, input, error),
    ).rejects.toBe(error)
    await waitOnExecutionContext(exec)
  })

  it('never serves a copy expired longer than staleMaxMs, nor on errors that are not "unserved"', async () => {
    const { ctx, exec, prepared, input } = await setUp({ staleMaxMs: 100 })
    const unserved = new PoolError('upstream_unavailable', 'down', 5)
    await expect(
      whenNothingServes(ctx, new Request('http://edge.test/'), prepared, input, unserved),
    ).rejects.toBe(unserved)
    const bad = new PoolError('upstream_invalid_audio', 'garbage')
    await expect(
      whenNothingServes(ctx, new Request('http://edge.test/'), prepared, input, bad),
    ).rejects.toBe(bad)
    await waitOnExecutionContext(exec)
  })
})

describe('stale copies through the route', () => {
  it('an answer past its TTL is a MISS while an upstream serves, and STALE when none can', async () => {
    const [a] = await poolEmulators()
    // A 1 s TTL so the entry expires within the test; the pool object is this test's own.
    const pool = { ...poolEnv([{ url: a.url }], { maxRetries: 0 }), CACHE_TTL_SECONDS: '1' }
    const input = sentence('Heard before the outage')
    const first = await speak({ input, response_format: 'wav', language: 'en' }, { env: pool })
    expect(first.status).toBe(200)
    expect(first.headers.get('x-tts-cache')).toBe('MISS')
    await new Promise((r) => setTimeout(r, 1500))

    await a.faults({ down: true })
    const stale = await speak({ input, response_format: 'wav', language: 'en' }, { env: pool })
    expect(stale.status).toBe(200)
    expect(stale.headers.get('x-tts-cache')).toBe('STALE')
    expect(stale.body).toEqual(first.body)

    // Recovered: the expired copy is a miss again and is replaced by a fresh synthesis.
    await a.faults({})
    const fresh = await speak({ input, response_format: 'wav', language: 'en' }, { env: pool })
    expect(fresh.status).toBe(200)
    expect(fresh.headers.get('x-tts-cache')).toBe('MISS')
  }, 60_000)
})
