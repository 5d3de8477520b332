import { encodeBase64 } from '@tts/core/bytes'
import { describe, expect, it } from 'vitest'
import { isProblemError } from '../problem/index.ts'
import {
  looksLikeToken,
  signToken,
  TOKEN_MAX_TTL_S,
  tokensConfigured,
  verifyToken,
} from './token.ts'

const ring = (id: string) => `${id}:${encodeBase64(crypto.getRandomValues(new Uint8Array(32)))}`
const envWith = (tokenKeys: string | undefined, devMode = false) =>
  ({ TOKEN_KEYS: tokenKeys, DEV_MODE: devMode ? 'true' : 'false' }) as unknown as Env
const claims = (exp: number) => ({ tenant: 't', key: '0123456789ab', exp })

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  return isProblemError(error) ? error.code : `not a problem: ${String(error)}`
}

describe('browser token format', () => {
  const env = envWith(ring('t1'))
  const now = 1_800_000_000

  it('verifies what it signs, until the second it expires (a fake clock)', async () => {
    const token = await signToken(env, claims(now + 60), now)
    expect(looksLikeToken(token)).toBe(true)
    expect(token.split('.')).toHaveLength(3)
    expect(await verifyToken(env, token, now + 59)).toMatchObject({
      v: 1,
      kid: 't1',
      tenant: 't',
      scopes: ['speech'],
      iat: now,
      exp: now + 60,
    })
    expect(await codeOf(verifyToken(env, token, now + 60))).toBe('token_expired')
  })

  it('refuses a token signed to live longer than the limit', async () => {
    const token = await signToken(env, claims(now + TOKEN_MAX_TTL_S + 1), now)
    expect(await codeOf(verifyToken(env, token, now))).toBe('token_invalid')
  })

  it('two tokens minted in the same second differ', async () => {
    const [a, b] = await Promise.all([
      signToken(env, claims(now + 60), now),
      signToken(env, claims(now + 60), now),
    ])
    expect(a).not.toBe(b)
  })

  it('mints nothing without TOKEN_KEYS outside dev mode, and an ephemeral key in dev mode', async () => {
    expect(tokensConfigured(envWith(undefined))).toBe(false)
    expect(await codeOf(signToken(envWith(undefined), claims(now + 60), now))).toBe(
      'not_implemented',
    )
    const dev = envWith(undefined, true)
    const token = await signToken(dev, claims(now + 60), now)
    expect((await verifyToken(dev, token, now)).kid).toBe('dev')
  })

  it('rejects a malformed key ring with what is allowed', async () => {
    for (const spec of ['t1', 't1:short', `bad id:${encodeBase64(new Uint8Array(32))}`]) {
      const error = await signToken(envWith(spec), claims(now + 60), now).catch((e: unknown) => e)
      expect(String((error as Error).message)).toMatch(/TOKEN_KEYS must be "id:base64/)
    }
  })
})
