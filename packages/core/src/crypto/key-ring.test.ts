import { describe, expect, it, vi } from 'vitest'
import { decodeBase64, encodeBase64 } from '../bytes/index.ts'
import { isCryptoError } from './errors.ts'
import { generateKeyBase64, importKeyRing } from './key-ring.ts'

async function failure(spec: unknown): Promise<Error & { code?: string }> {
  const error = await importKeyRing(spec as never).catch((e: unknown) => e)
  if (!isCryptoError(error)) throw new Error(`expected a CryptoError, got ${String(error)}`)
  return error
}

describe('importKeyRing', () => {
  it('parses the string form newest first, with spaces tolerated', async () => {
    const ring = await importKeyRing(` new:${generateKeyBase64()} , old:${generateKeyBase64()} `)
    expect(ring.ids).toEqual(['new', 'old'])
    expect(ring.currentId).toBe('new')
  })

  it('accepts URL-safe base64 and unpadded base64', async () => {
    const raw = Uint8Array.from({ length: 32 }, (_, i) => 250 - i)
    const b64 = encodeBase64(raw)
    const urlSafe = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    expect(urlSafe).not.toBe(b64)
    expect(decodeBase64(urlSafe)).toEqual(raw)
    await expect(importKeyRing([{ id: 'a', key: urlSafe }])).resolves.toMatchObject({ ids: ['a'] })
  })

  it('accepts an AES-GCM 256 CryptoKey as is', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ])
    await expect(importKeyRing([{ id: 'browser', key }])).resolves.toMatchObject({
      currentId: 'browser',
    })
    const aes128 = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, [
      'encrypt',
    ])
    expect((await failure([{ id: 'x', key: aes128 }])).code).toBe('invalid_key')
  })

  it('requires encrypt on the newest CryptoKey and decrypt on all', async () => {
    const gen = (usages: KeyUsage[]) =>
      crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, usages)
    const decryptOnly = await gen(['decrypt'])
    const both = await gen(['encrypt', 'decrypt'])
    await expect(
      importKeyRing([
        { id: 'new', key: both },
        { id: 'old', key: decryptOnly },
      ]),
    ).resolves.toMatchObject({ ids: ['new', 'old'] })
    const newest = await failure([{ id: 'new', key: decryptOnly }])
    expect(newest.message).toMatch(/'new' lacks a usage.*encrypt and decrypt.*newest key seals/)
    const old = await failure([
      { id: 'new', key: both },
      { id: 'old', key: await gen(['encrypt']) },
    ])
    expect(old.message).toMatch(/'old' lacks a usage.*usages decrypt/)
  })

  const tooShort = encodeBase64(new Uint8Array(16))
  const tooLong = encodeBase64(new Uint8Array(33))
  it.each([
    ['an empty ring', [], /key ring is empty/],
    ['an empty string', '', /key ring is empty/],
    [
      'a 16-byte key',
      [{ id: 'a', key: tooShort }],
      /'a' is 16 bytes long; allowed: exactly 32 bytes/,
    ],
    ['a 33-byte key', [{ id: 'a', key: tooLong }], /33 bytes long/],
    ['31 raw bytes', [{ id: 'a', key: new Uint8Array(31) }], /31 bytes long/],
    ['bad base64', [{ id: 'a', key: 'not*base64!' }], /not valid base64/],
    ['a number as key', [{ id: 'a', key: 42 }], /wrong type/],
    ['an id with a colon', [{ id: 'a:b', key: generateKeyBase64() }], /key id is invalid/],
    ['an empty id', [{ id: '', key: generateKeyBase64() }], /key id is invalid/],
    ['a string without a colon', 'justbase64', /malformed/],
    [
      'a duplicate id',
      [
        { id: 'a', key: generateKeyBase64() },
        { id: 'a', key: generateKeyBase64() },
      ],
      /'a' appears twice/,
    ],
  ])('rejects %s with invalid_key', async (_name, spec, message) => {
    const error = await failure(spec)
    expect(error.code).toBe('invalid_key')
    expect(error.message).toMatch(message)
  })

  it('never echoes key material in its errors', async () => {
    const secret = encodeBase64(Uint8Array.from({ length: 31 }, (_, i) => i * 7))
    const error = await failure(`k:${secret}`)
    expect(error.message).not.toContain(secret)
    expect(error.message).not.toContain(secret.slice(0, 12))
  })

  it('exposes ids only: no key material on the ring', async () => {
    const key = generateKeyBase64()
    const ring = await importKeyRing(`k:${key}`)
    expect(JSON.stringify(ring)).toBe('{"ids":["k"],"currentId":"k"}')
  })
})

describe('generateKeyBase64', () => {
  it('returns base64 of 32 random bytes', () => {
    const a = generateKeyBase64()
    expect(decodeBase64(a)?.length).toBe(32)
    expect(a).not.toBe(generateKeyBase64())
  })
})

describe('two copies of the module in one app', () => {
  it('a ring made by one copy seals and opens with the other', async () => {
    vi.resetModules()
    const first = await import('./index.ts')
    vi.resetModules()
    const second = await import('./index.ts')
    expect(second.importKeyRing).not.toBe(first.importKeyRing)
    const ring = await first.importKeyRing([{ id: 'k1', key: first.generateKeyBase64() }])
    const plain = crypto.getRandomValues(new Uint8Array(64))
    const sealed = await second.sealEnvelope(ring, plain, 'entry')
    expect(await first.openEnvelope(ring, sealed, 'entry')).toEqual(plain)
    expect(await second.openEnvelope(ring, sealed, 'entry')).toEqual(plain)
  })
})
