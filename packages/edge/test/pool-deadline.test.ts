/**
 * Deadlines: a hung upstream and a deadline in any of its forms (the `DOMException` with code
 * 23 used to be a 502 `upstream_error`) are one 504 `upstream_timeout`, with the stale copy
 * served and the request queued for deferred synthesis like any "nothing could serve".
 */
import { waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import type { Principal } from '../src/auth/index.ts'
import { metrics } from '../src/observe/index.ts'
import { whenNothingServes } from '../src/speech/unserved.ts'
import { call, keys, sentence, speak } from './helpers.ts'
import { poolEmulators, poolEnv, releasePools, warm, withStaleCopy } from './pool-helpers.ts'

afterEach(releasePools)

// keys.speech's tenant: the HTTP requests below share this cache scope.
const principal = { tenant: 'tenant-a', scopes: ['speech'], keyId: 'k-deadline' } as Principal

describe('deadlines', () => {
  it('a hung upstream: 504 upstream_timeout without a copy, the stale copy with one', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { ttfbMs: 500, maxRetries: 0, serveStale: true })
    await warm(pool)
    const kept = sentence('Kept while it hangs')
    const { exec, audio } = await withStaleCopy(pool, kept, principal)
    await waitOnExecutionContext(exec)
    await a.faults({ hang: true })
    const bare = await speak(
      { input: sentence('Hung'), language: 'en', response_format: 'wav' },
      { env: pool, key: keys.speech },
    )
    expect(bare.status).toBe(504)
    expect(bare.json<{ code: string }>().code).toBe('upstream_timeout')
    const stale = await speak(
      { input: kept, language: 'en', response_format: 'wav' },
      { env: pool, key: keys.speech },
    )
    expect(stale.status).toBe(200)
    expect(stale.headers.get('x-tts-cache')).toBe('STALE')
    expect(stale.body).toEqual(audio)
    await a.faults({})
  })

  it.each([
    [
      'DOMException code 23',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    ],
    ['workerd text', new Error('The operation was aborted due to timeout')],
    ['a cancelled call', new Error('Network connection lost.')],
    ['a caller gone', new DOMException('The operation was aborted', 'AbortError')],
  ])('%s: the stale copy is served and the request deferred', async (_name, error) => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { deferOnFailure: true })
    const { ctx, exec, prepared, input, audio } = await withStaleCopy(
      pool,
      sentence('Deadline form'),
      principal,
    )
    const deferred = () =>
      /tts_edge_queue_deferred_total\{code="upstream_timeout",outcome="queued"\} (\d+)/.exec(
        metrics.toPrometheus(),
      )?.[1]
    const before = Number(deferred() ?? 0)
    const res = await whenNothingServes(
      ctx,
      new Request('http://edge.test/'),
      prepared,
      input,
      error,
    )
    await waitOnExecutionContext(exec)
    expect(res.headers.get('x-tts-cache')).toBe('STALE')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(audio)
    expect(Number(deferred() ?? 0)).toBe(before + 1)
  })

  it('voice calls have deadlines: listing answers and cloning is a 504 while the upstream hangs', async () => {
    const [a] = await poolEmulators()
    const pool = poolEnv([{ url: a.url }], { ttfbMs: 500, deadlineBaseMs: 1500, maxRetries: 0 })
    const clip = await speak(
      { input: sentence('This is my voice, recorded for cloning'), response_format: 'wav' },
      { key: keys.voices },
    )
    expect(clip.status).toBe(200)
    await a.faults({ hang: true })
    // The speaker list may be in the isolate's memory from an earlier test (200); from the
    // hung upstream it is a 504 — never a request that does not answer.
    const listed = await call('/v1/voices', { env: pool, key: keys.voices })
    expect([200, 504]).toContain(listed.status)
    if (listed.status === 504) expect(listed.json<{ code: string }>().code).toBe('upstream_timeout')
    expect(listed.ms).toBeLessThan(10_000)
    const form = new FormData()
    form.append('file', new Blob([clip.body as BlobPart], { type: 'audio/wav' }), 'me.wav')
    const cloned = await call('/v1/voices', {
      method: 'POST',
      body: form,
      env: pool,
      key: keys.voices,
    })
    expect(cloned.status).toBe(504)
    expect(cloned.json<{ code: string }>().code).toBe('upstream_timeout')
    expect(cloned.ms).toBeLessThan(10_000)
    await a.faults({})
  })
})
