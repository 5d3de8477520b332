/**
 * What the edge tells callers without a key, and what its answers never carry: `/healthz` and
 * `/readyz` say ok/degraded (details only for an admin key), `/readyz` costs one pool call per
 * snapshot window whatever the traffic, no header names an upstream host, and a 5xx carries a
 * stable code and the request id but never the internal text.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { metrics } from '../src/observe/index.ts'
import {
  READY_POOL_CALLS,
  READY_SNAPSHOT_MS,
  resetReadySnapshots,
} from '../src/pool-client/snapshot.ts'
import { type Answer, call, keys, sentence, speak, upstreamUrl } from './helpers.ts'
import { poolEnv, releasePools } from './pool-helpers.ts'

afterEach(async () => {
  resetReadySnapshots()
  await releasePools()
})

/** Nothing in an answer (body or headers) names an upstream: no host, no URL (a problem's own
 * `type` URI aside). */
function expectNoUpstream(res: Answer, ...hosts: string[]) {
  const texts = [new TextDecoder().decode(res.body), ...[...res.headers].map(([, v]) => v)]
  for (const text of texts) {
    expect(text).not.toMatch(/https?:\/\/(?!tts-edge\.dev\/problems\/)/)
    for (const host of hosts) expect(text).not.toContain(host)
  }
}

async function mintToken(): Promise<string> {
  const res = await call('/v1/tokens', {
    method: 'POST',
    json: { ttl_seconds: 60 },
    key: keys.speech,
  })
  expect(res.status).toBe(201)
  return res.json<{ token: string }>().token
}

const poolCalls = () => metrics.counter(READY_POOL_CALLS).value

describe('/healthz and /readyz', () => {
  it('without an admin key say only ok, with no host, URL or details', async () => {
    const host = new URL(upstreamUrl()).host
    const token = await mintToken()
    for (const path of ['/healthz', '/readyz']) {
      for (const credentials of [
        { key: null },
        { key: keys.speech },
        { key: 'tts_not_a_key_at_all_0123456789' },
        { key: token },
      ]) {
        const res = await call(path, credentials)
        expect(res.status, `${path} ${credentials.key}`).toBe(200)
        expect(res.json()).toEqual({ status: 'ok' })
        expect(res.headers.get('cache-control')).toBe('no-store')
        expectNoUpstream(res, host)
      }
    }
  })

  it('with an admin key show the upstreams: configuration, breaker, load and last error', async () => {
    const health = await call('/healthz', { key: keys.admin })
    expect(health.json()).toMatchObject({
      status: 'ok',
      pool: 'default',
      upstreams: [{ name: 'default', url: upstreamUrl() }],
    })
    const ready = await call('/readyz', { key: keys.admin })
    expect(ready.status).toBe(200)
    expect(ready.json()).toMatchObject({
      status: 'ok',
      pool: 'default',
      ready: true,
      upstreams: [
        {
          name: 'default',
          url: upstreamUrl(),
          breaker: 'closed',
          inFlight: expect.any(Number),
          queued: expect.any(Number),
        },
      ],
    })
    expect(Date.parse(ready.json<{ checkedAt: string }>().checkedAt)).toBeGreaterThan(0)
  })

  it('one pool call serves every public /readyz hit of the snapshot window; an admin reads fresh', async () => {
    let now = 1_000_000
    resetReadySnapshots(() => now)
    const pool = { POOL_NAME: `surface-${crypto.randomUUID()}` } as Partial<Env>
    const before = poolCalls()
    // Concurrent hits while the first call is under way share it; later ones read the snapshot.
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => call('/readyz', { key: null, env: pool })),
    )
    for (let i = 0; i < 10; i++) burst.push(await call('/readyz', { key: null, env: pool }))
    expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200))
    expect(poolCalls() - before).toBe(1)

    now += READY_SNAPSHOT_MS - 1
    await call('/readyz', { key: null, env: pool })
    expect(poolCalls() - before).toBe(1)
    now += 1
    await call('/readyz', { key: null, env: pool })
    expect(poolCalls() - before).toBe(2)

    await call('/readyz', { key: keys.admin, env: pool })
    expect(poolCalls() - before).toBe(3)
    // The admin's fresh answer is everyone's snapshot now.
    await call('/readyz', { key: null, env: pool })
    expect(poolCalls() - before).toBe(3)
  })

  it('say degraded (503) when no upstream can serve, still without naming it', async () => {
    const dead = 'http://127.0.0.1:9'
    const pool = poolEnv([{ url: dead }], { maxRetries: 0, breakerThreshold: 1 })
    const failed = await speak(
      { input: sentence('Nobody home'), response_format: 'wav' },
      {
        env: pool,
      },
    )
    expect(failed.status).toBeGreaterThanOrEqual(500)
    const ready = await call('/readyz', { key: null, env: pool })
    expect(ready.status).toBe(503)
    expect(ready.json()).toEqual({ status: 'degraded' })
    expectNoUpstream(ready, '127.0.0.1:9')
    const admin = await call('/readyz', { key: keys.admin, env: pool })
    expect(admin.status).toBe(503)
    expect(admin.json()).toMatchObject({
      status: 'degraded',
      upstreams: [{ name: 'upstream-1', url: dead, breaker: 'open' }],
    })
  })
})

describe('answers never carry internals', () => {
  it('names the upstream by its configured name on a miss and on a hit, never its host', async () => {
    const host = new URL(upstreamUrl()).host
    const input = sentence('Which server was that')
    const miss = await speak({ input, response_format: 'wav' })
    expect(miss.headers.get('x-tts-cache')).toBe('MISS')
    expect(miss.headers.get('x-tts-upstream')).toBe('default')
    const hit = await speak({ input, response_format: 'wav' })
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    for (const res of [miss, hit]) {
      for (const [name, value] of res.headers) expect(value, name).not.toContain(host)
    }
  })

  it('a 5xx says its code and the request id, never the internal reason', async () => {
    // A misconfigured secret: the reason ("API_KEYS is not valid JSON") is for the log only.
    const broken = await speak(
      { input: sentence('Broken keys') },
      { env: { API_KEYS: '{not json' } as Partial<Env> },
    )
    expect(broken.status).toBe(500)
    const body = broken.json<Record<string, unknown>>()
    const id = broken.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(body).toMatchObject({
      code: 'internal_error',
      request_id: id,
      instance: `urn:tts-edge:request:${id}`,
      error: { code: 'internal_error', type: 'server_error' },
    })
    expect(body.detail).toBe(`something went wrong on our side (request id ${id})`)
    expect(new TextDecoder().decode(broken.body)).not.toMatch(/API_KEYS|JSON|configuration/)

    // An upstream that cannot be reached: the code says so, the host and the runtime's text not.
    const pool = poolEnv([{ url: 'http://127.0.0.1:9' }], { maxRetries: 0 })
    const down = await speak(
      { input: sentence('Down below'), response_format: 'wav' },
      {
        env: pool,
        headers: { 'x-request-id': 'caller-trace-0042' },
      },
    )
    expect(down.status).toBe(503)
    expect(down.headers.get('x-request-id')).toBe('caller-trace-0042')
    expect(down.json()).toMatchObject({
      code: 'upstream_unavailable',
      request_id: 'caller-trace-0042',
      error: { code: 'upstream_unavailable' },
    })
    expect(new TextDecoder().decode(down.body)).not.toMatch(/could not be reached|fetch|refused/i)
    expectNoUpstream(down, '127.0.0.1:9')
  })

  it('takes a sane x-request-id, replaces any other, and answers it on every response', async () => {
    const ok = await call('/healthz', { key: null, headers: { 'x-request-id': 'abc.DEF_12:34-x' } })
    expect(ok.headers.get('x-request-id')).toBe('abc.DEF_12:34-x')
    for (const bad of ['short', 'has space in it', 'x'.repeat(129), '../../etc/passwd']) {
      const res = await call('/healthz', { key: null, headers: { 'x-request-id': bad } })
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    }
    const refused = await call('/v1/voices', {
      key: null,
      headers: { 'x-request-id': 'req-4711-abc' },
    })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('x-request-id')).toBe('req-4711-abc')
    // A 4xx keeps its own message: it describes the caller's request.
    expect(refused.json()).toMatchObject({ request_id: 'req-4711-abc', code: 'unauthorized' })
    expect(refused.json<{ detail: string }>().detail).toMatch(/Authorization: Bearer/)
  })
})
