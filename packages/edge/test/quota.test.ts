/**
 * Work quotas (issue 18): characters sent to synthesis per key and window, counted by the
 * tenant's `WorkQuota` object; cache hits free. Each test writes its own `API_KEYS` with fresh
 * keys and tenants, so no other test's work can be counted against them.
 */
import { env as workerEnv } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import type { QuotaLimits } from '../src/quota/index.ts'
import { call, sentence, speak, synthesesOf } from './helpers.ts'
import { poolEmulators, poolEnv, releasePools } from './pool-helpers.ts'

afterEach(releasePools)

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Fresh keys, one tenant each, with the given quotas; and the env that knows them. */
async function tenants(quotas: Array<QuotaLimits | undefined>) {
  const keys = quotas.map(() => `tts_quota_${crypto.randomUUID()}`)
  const entries = await Promise.all(
    quotas.map(async (quota, i) => ({
      hash: await sha256Hex(keys[i] as string),
      scopes: ['speech'],
      tenant: `quota-${crypto.randomUUID()}`,
      ...(quota ? { quota } : {}),
    })),
  )
  return { keys, env: { API_KEYS: JSON.stringify(entries) } as Partial<Env> }
}

/** A unique sentence of exactly `chars` characters (its nonce keeps ≥ 64 bits). */
function sentenceOf(chars: number): string {
  const s = sentence('Quota')
  if (s.length > chars) throw new Error(`a unique sentence needs more than ${chars} characters`)
  // Padded in front with capitalised words, so that it still starts a sentence of its own.
  const pad = chars - s.length
  const words = Array.from({ length: Math.floor(pad / 5) }, () => 'Word ')
  const rest = pad % 5
  if (words.length > 0) words[0] = `Word${'x'.repeat(rest)} `
  return `${words.length > 0 ? '' : 'A'.repeat(rest)}${words.join('')}${s}`
}

describe('work quotas', () => {
  it('refuses a key past its daily characters with 429, Retry-After and x-ratelimit headers; another tenant goes on; refused work is not charged', async () => {
    const { keys, env } = await tenants([{ charsPerDay: 200 }, { charsPerDay: 200 }])
    const [limited, other] = keys as [string, string]
    const first = sentenceOf(120)
    const ok = await speak(
      { input: first, response_format: 'wav', language: 'en' },
      { key: limited, env },
    )
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-tts-cache')).toBe('MISS')
    expect(ok.headers.get('x-ratelimit-limit-characters-day')).toBe('200')
    expect(ok.headers.get('x-ratelimit-remaining-characters-day')).toBe('80')
    expect(ok.headers.get('x-ratelimit-reset-characters-day')).toMatch(/^(\d+h)?(\d+m)?\d+s$/)
    expect(ok.headers.get('x-ratelimit-limit-characters')).toBeNull() // no minute limit set

    const second = sentenceOf(100)
    const refused = await speak(
      { input: second, response_format: 'wav', language: 'en' },
      { key: limited, env },
    )
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const problem = refused.json<{ code: string; detail: string; error: { type: string } }>()
    expect(problem.code).toBe('quota_exceeded')
    expect(problem.error.type).toBe('rate_limit_error')
    expect(problem.detail).toMatch(/200 characters synthesized per day/)
    expect(problem.detail).toMatch(/needs 100, 80 are left; the quota resets in \d+ s/)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(86_400)
    expect(refused.headers.get('x-ratelimit-remaining-characters-day')).toBe('80')
    expect((await synthesesOf(second)).total).toBe(0) // refused before any upstream work

    // Another tenant, same text, same moment: served.
    const theirs = await speak(
      { input: second, response_format: 'wav', language: 'en' },
      { key: other, env },
    )
    expect(theirs.status).toBe(200)
    expect(theirs.headers.get('x-ratelimit-remaining-characters-day')).toBe('100')

    // The refusal charged nothing: 80 characters still fit.
    const fits = await speak(
      { input: sentenceOf(80), response_format: 'wav', language: 'en' },
      { key: limited, env },
    )
    expect(fits.status).toBe(200)
    expect(fits.headers.get('x-ratelimit-remaining-characters-day')).toBe('0')
  })

  // language 'en' throughout: 'auto' could resolve the paragraph below to another language than
  // its first sentence alone, and the language is part of a sentence's cache key.
  it('keeps cache hits free: a spent key still gets what is cached, without a quota call', async () => {
    const { keys, env } = await tenants([{ charsPerDay: 100, charsPerMinute: 100 }])
    const [key] = keys as [string]
    const text = sentenceOf(100)
    const miss = await speak({ input: text, response_format: 'wav', language: 'en' }, { key, env })
    expect(miss.status).toBe(200)
    expect(miss.headers.get('x-ratelimit-remaining-characters')).toBe('0')
    for (let i = 0; i < 3; i++) {
      const hit = await speak({ input: text, response_format: 'wav', language: 'en' }, { key, env })
      expect(hit.status).toBe(200)
      expect(hit.headers.get('x-tts-cache')).toBe('HIT')
      expect(hit.headers.get('x-ratelimit-remaining-characters')).toBeNull()
    }
    // A paragraph of that sentence and a new one is charged for the new one only: refused
    // here for its length alone, which it would not be if the cached sentence counted too.
    const both = await speak(
      { input: `${text} ${sentenceOf(60)}`, response_format: 'wav', language: 'en' },
      { key, env },
    )
    expect(both.status).toBe(429)
    expect(both.json<{ detail: string }>().detail).toMatch(/this request needs 60,/)
    expect((await synthesesOf(text)).total).toBe(1)
  })

  it('refuses a request larger than the whole per-minute limit, saying so', async () => {
    const { keys, env } = await tenants([{ charsPerMinute: 20 }])
    const res = await speak({ input: sentenceOf(60) }, { key: keys[0] as string, env })
    expect(res.status).toBe(429)
    expect(res.json<{ detail: string }>().detail).toMatch(/per minute.*more than the whole limit/)
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(res.headers.get('x-ratelimit-limit-characters')).toBe('20')
    expect(res.headers.get('x-ratelimit-reset-characters')).toMatch(/^(\d+s|\d+ms|1m0s)$/)
  })
})

describe('quota surface', () => {
  it('a browser token spends its minting key’s quota', async () => {
    const { keys, env } = await tenants([{ charsPerDay: 100 }])
    const key = keys[0] as string
    const minted = await call('/v1/tokens', { method: 'POST', json: {}, key, env })
    expect(minted.status).toBe(201)
    const token = minted.json<{ token: string }>().token
    const first = await speak(
      { input: sentenceOf(70), response_format: 'wav', language: 'en' },
      { key: token, env },
    )
    expect(first.headers.get('x-ratelimit-remaining-characters-day')).toBe('30')
    const second = await speak(
      { input: sentenceOf(70), response_format: 'wav', language: 'en' },
      { key, env },
    )
    expect(second.status).toBe(429)
  })

  it('documents the quota headers on the speech routes’ answers and 429s', async () => {
    const doc = (await call('/openapi.json', { key: null })).json<{
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>
    }>()
    for (const [path, method] of [
      ['/v1/audio/speech', 'post'],
      ['/v1/audio/speech', 'get'],
      ['/v1/audio/speech/prefetch', 'post'],
    ] as const) {
      const responses = doc.paths[path]?.[method]?.responses ?? {}
      expect(Object.keys(responses['429']?.headers ?? {})).toContain(
        'x-ratelimit-remaining-characters',
      )
      const ok = responses['200'] ?? responses['202']
      expect(Object.keys(ok?.headers ?? {})).toContain('x-ratelimit-reset-characters-day')
    }
  })
})

describe('one synthesis per distinct sentence', () => {
  for (const stream of [false, true]) {
    it(`"Hi! " × 1,024 costs one synthesis and one charge of 3 characters (stream: ${stream})`, async () => {
      // A pool of its own emulator counts every synthesis; a fresh tenant makes "Hi!" a miss.
      const [a] = await poolEmulators()
      const { keys, env } = await tenants([{ charsPerDay: 1000 }])
      // R2 calls stand for the request's subrequests to storage: one per distinct sentence and
      // answer, not one per repeat (1,024 repeats were ~2,000 lookups before issue 18).
      let storageCalls = 0
      const audio = new Proxy(workerEnv.AUDIO, {
        get(target, name) {
          const value = Reflect.get(target, name)
          if (typeof value !== 'function') return value
          return (...args: unknown[]) => {
            storageCalls++
            return value.apply(target, args)
          }
        },
      })
      const pool = { ...poolEnv([{ url: a.url }]), ...env, AUDIO: audio }
      const res = await speak(
        { input: 'Hi! '.repeat(1024), response_format: 'pcm', stream },
        { key: keys[0] as string, env: pool },
      )
      expect(res.status).toBe(200)
      expect(res.headers.get('x-tts-cache')).toBe('MISS')
      expect(res.headers.get('x-ratelimit-remaining-characters-day')).toBe('997')
      expect(await a.synthesisRequests()).toBe(1)
      // Answer and segment looked up, segment stored, answer stored (and, for a stream, the
      // segment read back once to assemble the stored answer).
      expect(storageCalls).toBeGreaterThanOrEqual(2) // the two puts, at least: it did count
      expect(storageCalls).toBeLessThanOrEqual(5)
      // 1,024 copies of the one sentence's audio.
      expect(res.body.byteLength % 1024).toBe(0)
      expect(res.body.byteLength).toBeGreaterThan(1024 * 2400) // > 50 ms each at 24 kHz s16le
      // The whole answer was stored (for a stream: assembled from the one segment).
      const again = await speak(
        { input: 'Hi! '.repeat(1024), response_format: 'pcm', stream },
        { key: keys[0] as string, env: pool },
      )
      expect(again.headers.get('x-tts-cache')).toBe('HIT')
      expect(again.body.byteLength).toBe(res.body.byteLength)
      expect(await a.synthesisRequests()).toBe(1)
    })
  }
})
