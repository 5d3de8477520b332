/**
 * Browser tokens end to end inside workerd: minted by `POST /v1/tokens`, played through
 * `GET /v1/audio/speech?token=` and as a bearer, refused (problem+json, stable code, the token
 * never echoed) when forged, altered, expired, from another origin, over budget or out of place.
 */
import { env } from 'cloudflare:test'
import { encodeBase64 } from '@tts/core/bytes'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { signToken } from '../src/auth/token.ts'
import { type Answer, call, keys, sentence, speak } from './helpers.ts'

afterEach(() => vi.restoreAllMocks())

interface Minted {
  token: string
  token_type: string
  expires_at: string
  expires_in: number
  scopes: string[]
  tenant: string
  origin?: string
  max_chars?: number
}

async function mint(body: Record<string, unknown> = {}, key = keys.speech): Promise<Minted> {
  const res = await call('/v1/tokens', { method: 'POST', json: body, key })
  expect(res.status, new TextDecoder().decode(res.body)).toBe(201)
  return res.json<Minted>()
}

function listen(input: string, token: string, headers: Record<string, string> = {}) {
  const query = new URLSearchParams({ input, voice: 'alloy', response_format: 'wav', token })
  return call(`/v1/audio/speech?${query}`, { key: null, headers })
}

/** A refusal: its status and code, a message, and never the token itself. */
function expectRefused(res: Answer, status: number, code: string, token: string): string {
  const text = new TextDecoder().decode(res.body)
  expect(res.status, text).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const body = res.json<{ code: string; detail: string }>()
  expect(body.code).toBe(code)
  expect(body.detail.length).toBeGreaterThan(20)
  expect(text).not.toContain(token)
  expect(text).not.toContain(token.split('.')[2])
  return body.detail
}

/** `Env` with another token key ring (`TOKEN_KEYS` is optional, so not in the generated type). */
const tokenKeys = (spec: string) => ({ TOKEN_KEYS: spec }) as Partial<Env>

const randomKey = () => encodeBase64(crypto.getRandomValues(new Uint8Array(32)))

describe('POST /v1/tokens', () => {
  it('mints a speech-only token for the key’s tenant that plays through a GET query and as a bearer', async () => {
    const minted = await mint({ ttl_seconds: 120 })
    expect(minted).toMatchObject({
      token_type: 'Bearer',
      expires_in: 120,
      scopes: ['speech'],
      tenant: 'tenant-a',
    })
    const left = Date.parse(minted.expires_at) - Date.now()
    expect(left).toBeGreaterThan(100_000)
    expect(left).toBeLessThanOrEqual(121_000)

    const viaQuery = await listen(sentence(), minted.token)
    expect(viaQuery.status).toBe(200)
    expect(viaQuery.headers.get('content-type')).toBe('audio/wav')
    expect(viaQuery.body.length).toBeGreaterThan(1000)

    const viaBearer = await speak(
      { input: sentence(), response_format: 'wav' },
      { key: minted.token },
    )
    expect(viaBearer.status).toBe(200)
  })

  it('is not cached and refuses bad lifetimes, origins and budgets with what is allowed', async () => {
    const res = await call('/v1/tokens', { method: 'POST', json: {}, key: keys.speech })
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.json<Minted>().expires_in).toBe(300)
    const bad = async (json: Record<string, unknown>, pattern: RegExp) => {
      const r = await call('/v1/tokens', { method: 'POST', json, key: keys.speech })
      expect(r.status).toBe(400)
      expect(r.json<{ code: string; detail: string }>()).toMatchObject({ code: 'invalid_request' })
      expect(r.json<{ detail: string }>().detail).toMatch(pattern)
    }
    await bad({ ttl_seconds: 901 }, /at most 900/)
    await bad({ ttl_seconds: 0 }, /at least 1/)
    await bad({ origin: 'https://app.example/page' }, /page origin/)
    await bad({ origin: 'app.example' }, /page origin/)
    await bad({ max_chars: 0 }, /at least 1/)
  })

  it('needs an API key: none is 401, and a token cannot mint another', async () => {
    const none = await call('/v1/tokens', { method: 'POST', json: {}, key: null })
    expect(none.status).toBe(401)
    const { token } = await mint()
    const again = await call('/v1/tokens', { method: 'POST', json: {}, key: token })
    expect(expectRefused(again, 403, 'forbidden', token)).toMatch(/only on \/v1\/audio\/speech/)
  })
})

describe('a token is refused', () => {
  it('when expired', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await signToken(
      env,
      { tenant: 'tenant-a', key: await keyIdOf(keys.speech), exp: now - 5 },
      now - 60,
    )
    const detail = expectRefused(await listen(sentence(), token), 401, 'token_expired', token)
    expect(detail).toMatch(/expired \d+ s ago/)
  })

  it('when altered, forged, malformed or signed with a key the worker does not have', async () => {
    const { token } = await mint()
    const [prefix, payload = '', signature = ''] = token.split('.')
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >
    const altered = `${prefix}.${btoa(JSON.stringify({ ...claims, tenant: 'ops' }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')}.${signature}`
    expect(expectRefused(await listen(sentence(), altered), 401, 'token_invalid', altered)).toMatch(
      /signature/,
    )

    const forged = await signToken(
      { ...env, ...tokenKeys(`${claims.kid}:${randomKey()}`) },
      { tenant: 'tenant-a', key: claims.key as string, exp: Math.floor(Date.now() / 1000) + 60 },
    )
    expect(expectRefused(await listen(sentence(), forged), 401, 'token_invalid', forged)).toMatch(
      /signature/,
    )

    const unknownKid = await signToken(
      { ...env, ...tokenKeys(`elsewhere:${randomKey()}`) },
      { tenant: 'tenant-a', key: claims.key as string, exp: Math.floor(Date.now() / 1000) + 60 },
    )
    expectRefused(await listen(sentence(), unknownKid), 401, 'token_invalid', unknownKid)

    const garbage = 'ttsb1.not-json.AAAA'
    expectRefused(await listen(sentence(), garbage), 401, 'token_invalid', garbage)
    // An API key is never accepted in a URL.
    expectRefused(await listen(sentence(), keys.speech), 401, 'token_invalid', keys.speech)
  })

  it('from another page origin, or with no origin at all, when bound to one', async () => {
    const origin = 'https://app.example'
    const { token } = await mint({ origin })
    expect((await listen(sentence(), token, { origin })).status).toBe(200)
    // <audio src> sends no Origin; its Referer names the page.
    expect((await listen(sentence(), token, { referer: `${origin}/player?x=1` })).status).toBe(200)
    const other = await listen(sentence(), token, { origin: 'https://evil.example' })
    expect(expectRefused(other, 403, 'token_origin_mismatch', token)).toMatch(
      /bound to https:\/\/app\.example; the request came from https:\/\/evil\.example/,
    )
    const referer = await listen(sentence(), token, { referer: 'https://evil.example/' })
    expectRefused(referer, 403, 'token_origin_mismatch', token)
    const neither = await listen(sentence(), token)
    expect(expectRefused(neither, 403, 'token_origin_mismatch', token)).toMatch(
      /neither Origin nor Referer/,
    )
  })

  it('for an input longer than its budget, per request, on GET and POST', async () => {
    const { token } = await mint({ max_chars: 80 })
    const short = sentence('Short')
    expect(short.length).toBeLessThanOrEqual(80)
    expect((await listen(short, token)).status).toBe(200)
    const long = `${sentence()} ${'and on and on '.repeat(8)}`
    expect(long.length).toBeGreaterThan(80)
    expect(expectRefused(await listen(long, token), 403, 'token_budget_exceeded', token)).toMatch(
      /at most 80 characters/,
    )
    const posted = await speak({ input: long }, { key: token })
    expectRefused(posted, 403, 'token_budget_exceeded', token)
    // Counted after Unicode normalisation too: 30 × U+FB2C are 90 characters in NFC.
    const grows = `${'\uFB2C'.repeat(30)} ${crypto.randomUUID()}`.slice(0, 66)
    expect(grows.length).toBeLessThanOrEqual(80)
    const grown = await speak({ input: grows }, { key: token })
    expect(expectRefused(grown, 403, 'token_budget_exceeded', token)).toMatch(/has 1\d\d/)
  })

  it('on any other route', async () => {
    const { token } = await mint()
    for (const [path, init] of [
      ['/v1/audio/speech/prefetch', { method: 'POST', json: { inputs: [sentence()] } }],
      ['/v1/voices', {}],
      ['/v1/cache/stats', {}],
    ] as const) {
      expectRefused(await call(path, { ...init, key: token }), 403, 'forbidden', token)
    }
  })

  it('once the key that minted it is revoked', async () => {
    const { token } = await mint({}, keys.other)
    expect((await listen(sentence(), token)).status).toBe(200)
    const remaining = (JSON.parse(env.API_KEYS) as { tenant: string }[]).filter(
      (k) => k.tenant !== 'tenant-b',
    )
    const res = await call(
      `/v1/audio/speech?${new URLSearchParams({ input: sentence(), voice: 'alloy', token })}`,
      {
        key: null,
        env: { API_KEYS: JSON.stringify(remaining) },
      },
    )
    expect(expectRefused(res, 401, 'token_invalid', token)).toMatch(/revoked/)
  })
})

describe('key rotation', () => {
  it('the newest key signs, every listed key verifies, a removed key’s tokens stop', async () => {
    const rotated = `t2:${randomKey()},${env.TOKEN_KEYS}`
    const old = await mint()
    const fresh = await call('/v1/tokens', {
      method: 'POST',
      json: {},
      key: keys.speech,
      env: tokenKeys(rotated),
    })
    const { token } = fresh.json<Minted>()
    const play = (t: string, ring: string) =>
      call(
        `/v1/audio/speech?${new URLSearchParams({ input: sentence(), voice: 'alloy', token: t })}`,
        {
          key: null,
          env: tokenKeys(ring),
        },
      )
    expect((await play(token, rotated)).status).toBe(200)
    expect((await play(old.token, rotated)).status).toBe(200)
    expectRefused(await play(token, env.TOKEN_KEYS), 401, 'token_invalid', token)
  })
})

describe('the OpenAPI document', () => {
  it('lists POST /v1/tokens and the token query parameter of GET /v1/audio/speech', async () => {
    const doc = (await call('/openapi.json', { key: null })).json<{
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>
      components: { securitySchemes: Record<string, { in?: string; name?: string }> }
    }>()
    expect(doc.paths['/v1/tokens']?.post).toBeDefined()
    const params = doc.paths['/v1/audio/speech']?.get?.parameters ?? []
    expect(params).toContainEqual(expect.objectContaining({ name: 'token', in: 'query' }))
    expect(doc.components.securitySchemes.browserToken).toMatchObject({
      in: 'query',
      name: 'token',
    })
  })
})

describe('logs', () => {
  it('never hold the token, whether it worked or was refused', async () => {
    const lines: string[] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '))
      })
    }
    const { token } = await mint({ origin: 'https://app.example', max_chars: 60 })
    await listen(sentence(), token, { origin: 'https://app.example' })
    await listen(sentence(), token, { origin: 'https://evil.example' })
    await speak({ input: sentence() }, { key: `${token}x` })
    expect(lines.length).toBeGreaterThan(0)
    const all = lines.join('\n')
    expect(all).not.toContain(token.split('.')[1])
    expect(all).not.toContain(token.split('.')[2])
  })
})

async function keyIdOf(key: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)),
  )
  return [...digest]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 12)
}
