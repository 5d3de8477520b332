import { describe, expect, it } from 'vitest'
import { decodeBase64, encodeBase64, toHex } from '../bytes/index.ts'
import {
  ENVELOPE_VERSION,
  openEnvelope,
  readEnvelopeHeader,
  sealEnvelope,
  sealWithIv,
} from './envelope.ts'
import { isCryptoError } from './errors.ts'
import { generateKeyBase64, importKeyRing } from './key-ring.ts'

// Expected envelopes computed outside this code with Node's node:crypto (aes-256-gcm,
// setAAD(header || aad)), key = bytes 0..31, IV = bytes a0..ab, key id "k1".
const KEY_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i)
const AAD = '5b0e7a6d1c2f'
const KAT = [
  {
    plaintext: 'tts-edge known answer',
    envelope:
      '01026b31a0a1a2a3a4a5a6a7a8a9aaab926c0f0020af65da420ee9bc7014e0bf1edf2e75e090c8d2b228cef0919447a3890d47ae9f',
  },
  { plaintext: '', envelope: '01026b31a0a1a2a3a4a5a6a7a8a9aaabf3f6b3cd7c5693f9a98233bbb22a21dd' },
]

const utf8 = (s: string) => new TextEncoder().encode(s)
const fromHex = (hex: string) =>
  Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16))

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isCryptoError(error)) throw new Error(`expected a CryptoError, got ${String(error)}`)
  return error.code
}

describe('envelope known answers', () => {
  it.each(KAT)(
    'seals "$plaintext" to the independently computed bytes',
    async ({ plaintext, envelope }) => {
      const ring = await importKeyRing([{ id: 'k1', key: KEY_B64 }])
      expect(toHex(await sealWithIv(ring, utf8(plaintext), AAD, IV))).toBe(envelope)
      expect(new TextDecoder().decode(await openEnvelope(ring, fromHex(envelope), AAD))).toBe(
        plaintext,
      )
    },
  )

  it('takes the key as raw bytes as well as base64', async () => {
    const ring = await importKeyRing([{ id: 'k1', key: decodeBase64(KEY_B64) as Uint8Array }])
    expect(toHex(await sealWithIv(ring, utf8(KAT[0]?.plaintext ?? ''), AAD, IV))).toBe(
      KAT[0]?.envelope,
    )
  })
})

describe('sealEnvelope / openEnvelope', () => {
  it('round-trips with a random IV, never the same bytes twice', async () => {
    const ring = await importKeyRing(`k1:${generateKeyBase64()}`)
    const audio = crypto.getRandomValues(new Uint8Array(4096))
    const a = await sealEnvelope(ring, audio, 'cache-key')
    const b = await sealEnvelope(ring, audio, 'cache-key')
    expect(toHex(a)).not.toBe(toHex(b))
    expect(a.length).toBe(1 + 1 + 2 + 12 + audio.length + 16)
    expect(await openEnvelope(ring, a, 'cache-key')).toEqual(audio)
    expect(readEnvelopeHeader(a)).toEqual({ version: ENVELOPE_VERSION, keyId: 'k1' })
  })

  it('keeps old envelopes readable after a new key is added first, and seals with the new one', async () => {
    const oldKey = generateKeyBase64()
    const before = await importKeyRing(`2026-05:${oldKey}`)
    const sealedBefore = await sealEnvelope(before, utf8('old audio'), 'k')
    const after = await importKeyRing(`2026-11:${generateKeyBase64()}, 2026-05:${oldKey}`)
    expect(after.currentId).toBe('2026-11')
    expect(new TextDecoder().decode(await openEnvelope(after, sealedBefore, 'k'))).toBe('old audio')
    const sealedAfter = await sealEnvelope(after, utf8('new audio'), 'k')
    expect(readEnvelopeHeader(sealedAfter).keyId).toBe('2026-11')
    expect(await codeOf(openEnvelope(before, sealedAfter, 'k'))).toBe('unknown_key_id')
  })

  it('fails with unknown_key_id once the key is removed from the ring', async () => {
    const k1 = generateKeyBase64()
    const sealed = await sealEnvelope(await importKeyRing(`k1:${k1}`), utf8('x'), 'k')
    const ring = await importKeyRing(`k2:${generateKeyBase64()}`)
    const error = await openEnvelope(ring, sealed, 'k').catch((e: unknown) => e)
    expect(isCryptoError(error) && error.code).toBe('unknown_key_id')
    expect((error as Error).message).toMatch(/key id 'k1'.*ids: k2/)
    expect((error as Error).message).not.toContain(k1)
  })

  it('opens with a base64 ring what a CryptoKey ring sealed (browser key, server copy)', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, [
      'encrypt',
      'decrypt',
    ])
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', key))
    const sealed = await sealEnvelope(
      await importKeyRing([{ id: 'b', key }]),
      utf8('from the browser'),
      'k',
    )
    const opened = await openEnvelope(
      await importKeyRing([{ id: 'b', key: encodeBase64(raw) }]),
      sealed,
      'k',
    )
    expect(new TextDecoder().decode(opened)).toBe('from the browser')
  })

  it('fails with tampered for a different key under the same id', async () => {
    const sealed = await sealEnvelope(
      await importKeyRing(`k1:${generateKeyBase64()}`),
      utf8('x'),
      'k',
    )
    const other = await importKeyRing(`k1:${generateKeyBase64()}`)
    expect(await codeOf(openEnvelope(other, sealed, 'k'))).toBe('tampered')
  })
})

describe('tampering', async () => {
  const ring = await importKeyRing([{ id: 'k1', key: KEY_B64 }])
  const plaintext = utf8('a sentence of audio, pretend')
  // A fixed IV keeps the header flips deterministic: its first byte (0xa0) is no key-id character.
  const sealed = await sealWithIv(ring, plaintext, AAD, IV)
  const headerEnd = 2 + 2 + 12
  const flip = (index: number, bit = 0) => {
    const copy = new Uint8Array(sealed)
    copy[index] = (copy[index] as number) ^ (1 << bit)
    return copy
  }

  it.each([
    ['the version byte', 0, 'bad_envelope'],
    ['the key id length', 1, 'bad_envelope'],
    ['the key id', 3, 'unknown_key_id'],
    ['the first IV byte', 4, 'tampered'],
    ['the last IV byte', headerEnd - 1, 'tampered'],
    ['the first ciphertext byte', headerEnd, 'tampered'],
    ['the last ciphertext byte', sealed.length - 17, 'tampered'],
    ['the first tag byte', sealed.length - 16, 'tampered'],
    ['the last tag byte', sealed.length - 1, 'tampered'],
  ] as const)('a flipped bit in %s is refused with %s', async (_where, index, code) => {
    expect(await codeOf(openEnvelope(ring, flip(index), AAD))).toBe(code)
  })

  it('every single-bit flip anywhere is refused, never opened', async () => {
    for (let i = 0; i < sealed.length; i++) {
      const result = await openEnvelope(ring, flip(i, i % 8), AAD).then(
        () => 'opened',
        (e: unknown) => (isCryptoError(e) ? 'refused' : String(e)),
      )
      expect(result, `byte ${i}`).toBe('refused')
    }
  })

  it('a wrong AAD (another cache key) is refused as tampered', async () => {
    expect(await codeOf(openEnvelope(ring, sealed, `${AAD}0`))).toBe('tampered')
    expect(await codeOf(openEnvelope(ring, sealed, 'x'))).toBe('tampered')
  })

  it('a key id rewritten to another ring key is refused as tampered', async () => {
    const two = await importKeyRing([
      { id: 'k1', key: KEY_B64 },
      { id: 'k2', key: KEY_B64 },
    ])
    const copy = new Uint8Array(sealed)
    copy[3] = '2'.charCodeAt(0)
    expect(await codeOf(openEnvelope(two, copy, AAD))).toBe('tampered')
  })

  it('truncated or empty envelopes are bad_envelope', async () => {
    expect(await codeOf(openEnvelope(ring, new Uint8Array(0), AAD))).toBe('bad_envelope')
    expect(await codeOf(openEnvelope(ring, sealed.slice(0, headerEnd + 15), AAD))).toBe(
      'bad_envelope',
    )
    expect(await codeOf(openEnvelope(ring, sealed.slice(0, sealed.length - 1), AAD))).toBe(
      'tampered',
    )
  })

  it('an unsupported version is named in the message', async () => {
    const copy = new Uint8Array(sealed)
    copy[0] = 7
    await expect(openEnvelope(ring, copy, AAD)).rejects.toThrow(
      /version 7 is not supported.*version 1/,
    )
  })

  it('rejects non-bytes input and an empty AAD', async () => {
    expect(await codeOf(openEnvelope(ring, 'abc' as never, AAD))).toBe('invalid_input')
    expect(await codeOf(sealEnvelope(ring, plaintext, ''))).toBe('invalid_input')
  })
})
