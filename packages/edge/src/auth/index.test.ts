import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { authenticate } from './index.ts'

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
