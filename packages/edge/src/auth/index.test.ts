import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ACCEPTED_KEYS_TTL_MS, authenticate, resetAcceptedKeys } from './index.ts'

const keys = JSON.parse(env.TEST_KEYS) as Record<string, string>
const withKeys = (API_KEYS: string, DEV_MODE = 'false') => ({ ...env, API_KEYS, DEV_MODE }) as Env

describe('authenticate', () => {
  it('finds the key by its hash and reports scopes, tenant and a short non-secret id', async () => {
    const who = await authenticate(env, `Bearer ${keys.voices}`)
    expect(who).toMatchObject({ tenant: 'tenant-a', scopes: ['speech', 'voices'] })
    expect(who.keyId).toMatch(/^[0-9a-f]{12}$/)
    expect(keys.voices).not.toContain(who.keyId)
    await expect(authenticate(env, `bearer   ${keys.voices}  `)).resolves.toMatchObject({
      tenant: 'tenant-a',
    })
  })

  it('401 without a bearer key or with an unknown one', async () => {
    for (const header of [
      null,
      '',
      'Bearer',
      `Basic ${keys.speech}`,
      'Bearer nope',
      `Bearer ${keys.speech}x`,
    ]) {
      await expect(authenticate(env, header)).rejects.toMatchObject({
        code: 'unauthorized',
        status: 401,
      })
    }
  })

  it('a broken API_KEYS is an operator error (500) that names the variable, never a 401', async () => {
    for (const raw of ['not json', '{"hash":"x"}', '[{"hash":"short"}]']) {
      const error = await authenticate(withKeys(raw), `Bearer ${keys.speech}`).catch(
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ code: 'internal_error' })
      expect(String((error as Error).message)).toMatch(/API_KEYS/)
    }
  })

  it('without API_KEYS: dev mode lets a dev principal in; otherwise nobody', async () => {
    await expect(authenticate(withKeys('', 'true'), null)).resolves.toMatchObject({ tenant: 'dev' })
    await expect(authenticate(withKeys(''), `Bearer ${keys.admin}`)).rejects.toMatchObject({
      code: 'unauthorized',
    })
  })
})

describe('accepted keys remembered by the isolate', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    resetAcceptedKeys()
  })

  /** SHA-256 digests taken while `run` runs. */
  async function digests(run: () => Promise<unknown>): Promise<number> {
    const spy = vi.spyOn(crypto.subtle, 'digest')
    try {
      await run().catch(() => undefined)
      return spy.mock.calls.length
    } finally {
      spy.mockRestore()
    }
  }

  it('hashes an accepted key once, then answers from memory until the TTL passes', async () => {
    let now = 1_000
    resetAcceptedKeys(() => now)
    const header = `Bearer ${keys.speech}`
    expect(await digests(() => authenticate(env, header))).toBe(1)
    const again = await authenticate(env, header)
    expect(again).toMatchObject({ tenant: 'tenant-a', scopes: ['speech'] })
    expect(await digests(() => authenticate(env, header))).toBe(0)
    now += ACCEPTED_KEYS_TTL_MS + 1
    expect(await digests(() => authenticate(env, header))).toBe(1)
  })

  it('a key removed from API_KEYS stops working at once, though it was remembered', async () => {
    const header = `Bearer ${keys.speech}`
    await authenticate(env, header)
    const without = (JSON.parse(env.API_KEYS) as { tenant: string; scopes: string[] }[]).filter(
      (k) => !(k.tenant === 'tenant-a' && k.scopes.length === 1),
    )
    await expect(authenticate(withKeys(JSON.stringify(without)), header)).rejects.toMatchObject({
      code: 'unauthorized',
    })
    // And the original secret still accepts it (nothing else was forgotten or confused).
    await expect(authenticate(env, header)).resolves.toMatchObject({ tenant: 'tenant-a' })
  })

  it('never remembers a rejected key: each try is hashed and compared again', async () => {
    expect(await digests(() => authenticate(env, 'Bearer made-up-key'))).toBe(1)
    expect(await digests(() => authenticate(env, 'Bearer made-up-key'))).toBe(1)
  })
})
