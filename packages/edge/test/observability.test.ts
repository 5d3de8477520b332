import { afterEach, describe, expect, it, vi } from 'vitest'
import { call, captureLogs, keys, sentence, speak } from './helpers.ts'

afterEach(() => vi.restoreAllMocks())

describe('logs', () => {
  it('write one METRIC line per speech request, and never the text or a key', async () => {
    const logs = captureLogs()
    const input = sentence('Private words that stay out of logs')
    await speak({ input, response_format: 'pcm' }, { key: keys.speech })
    await speak({ input, response_format: 'pcm' }, { key: keys.speech })
    await speak({ input }, { key: 'tts_leaky_key_0123456789' })
    const lines = logs()
    const metrics = lines
      .map((l) => JSON.parse(l) as { message: string; data: Record<string, unknown> })
      .filter((l) => l.message === 'METRIC' && l.data.metric === 'speech_request')
    expect(metrics.map((m) => m.data.cache)).toEqual(['MISS', 'HIT'])
    for (const m of metrics)
      expect(m.data).toMatchObject({ unit: 'ms', format: 'pcm', language: 'en' })
    const all = lines.join('\n')
    expect(all).not.toContain('Private words')
    expect(all).not.toContain(keys.speech)
    expect(all).not.toContain('tts_leaky_key_0123456789')
  })
})

describe('CORS', () => {
  it('is off by default and answers configured origins, preflight included', async () => {
    const origin = 'https://app.example'
    const plain = await call('/healthz', { headers: { origin }, key: null })
    expect(plain.headers.get('access-control-allow-origin')).toBeNull()
    const env = { CORS_ORIGINS: origin }
    const allowed = await call('/healthz', { headers: { origin }, key: null, env })
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin)
    const preflight = await call('/v1/audio/speech', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, cache-control',
      },
      key: null,
      env,
    })
    expect(preflight.status).toBe(204)
    const allowHeaders = (preflight.headers.get('access-control-allow-headers') ?? '').split(/,\s*/)
    // cache-control: the SDK's `store: false` sends `Cache-Control: no-store` from the page.
    expect(allowHeaders).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'cache-control']),
    )
    const other = await call('/healthz', {
      headers: { origin: 'https://evil.example' },
      key: null,
      env,
    })
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example')
  })
})
