import { describe, expect, it } from 'vitest'
import { cacheKey, canonicalJson } from './cache-key.ts'
import { isCryptoError } from './errors.ts'

// Expected digests computed outside this code: `printf '%s' '<json>' | sha256sum`.
const VECTORS = [
  {
    fields: {},
    json: '{}',
    sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  },
  {
    fields: { voice: 'ana', text: 'Hello, world.', speed: 1.25, language: 'en', format: 'wav' },
    json: '{"format":"wav","language":"en","speed":1.25,"text":"Hello, world.","voice":"ana"}',
    sha256: '459652ade87cf1d96fb75d2b2ead63810ca7c6af0f247c764b458e86e028a07a',
  },
  {
    fields: { b: { d: -0.5, c: 'é' }, a: [3, { y: true, x: null }] },
    json: '{"a":[3,{"x":null,"y":true}],"b":{"c":"é","d":-0.5}}',
    sha256: 'f5c7f837dc7b8d69b87ff23fa4d4cf8ec8d0f8b27435caaf08fdd0e9b7c12cb8',
  },
  {
    // RFC 8785 orders keys by UTF-16 code units: U+1F600 (D83D DE00) sorts before U+FB01.
    fields: { ﬁ: 2, '😀': 1 },
    json: '{"😀":1,"ﬁ":2}',
    sha256: '00ab868e70bbb0fb50d560d1a59c0c27c10e8ff0760c288249b824274d6b3133',
  },
] as const

describe('cacheKey', () => {
  it.each(VECTORS)('matches the independently computed SHA-256 of $json', async (vector) => {
    expect(canonicalJson(vector.fields)).toBe(vector.json)
    expect(await cacheKey(vector.fields)).toBe(vector.sha256)
  })

  it('ignores field order at every depth', async () => {
    const a = await cacheKey({
      text: 'hi',
      opts: { speed: 1, pitch: 0, tags: ['x', 'y'] },
      voice: 'v',
    })
    const b = await cacheKey({
      voice: 'v',
      opts: { tags: ['x', 'y'], pitch: 0, speed: 1 },
      text: 'hi',
    })
    expect(a).toBe(b)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
  })

  it('changes when any field value, name, type or array order changes', async () => {
    const base = { text: 'hi', language: 'en', speed: 1, voice: 'ana' }
    const variants = [
      { ...base, text: 'hi.' },
      { ...base, language: 'fr' },
      { ...base, speed: 1.01 },
      { ...base, speed: '1' },
      { ...base, voice: null },
      { text: 'hi', language: 'en', speed: 1, voices: 'ana' },
      { ...base, extra: false },
    ]
    const keys = new Set([await cacheKey(base)])
    for (const v of variants) keys.add(await cacheKey(v))
    expect(keys.size).toBe(variants.length + 1)
    expect(await cacheKey({ a: [1, 2] })).not.toBe(await cacheKey({ a: [2, 1] }))
  })

  it('does not confuse strings that look like JSON with structure', async () => {
    expect(await cacheKey({ a: 'b","c":"d' })).not.toBe(await cacheKey({ a: 'b', c: 'd' }))
  })

  const invalid: Array<[string, unknown, RegExp]> = [
    ['undefined', { text: 'x', voice: undefined }, /field `voice` is undefined/],
    ['NaN', { speed: Number.NaN }, /field `speed` is NaN/],
    ['Infinity', { speed: Number.POSITIVE_INFINITY }, /field `speed` is Infinity/],
    ['a function', { f: () => 1 }, /field `f` is a function/],
    ['a bigint', { n: 1n }, /field `n` is a bigint/],
    ['a symbol', { s: Symbol('s') }, /field `s` is a symbol/],
    ['a Date', { at: new Date(0) }, /field `at` is a Date/],
    ['a typed array', { b: new Uint8Array(2) }, /field `b` is a Uint8Array/],
    ['a nested NaN', { opts: { list: [1, Number.NaN] } }, /field `opts\.list\[1\]` is NaN/],
    ['an array hole', { list: new Array(2) }, /field `list\[0\]` is undefined/],
    ['a non-object', 'text', /must be a plain object/],
  ]
  it.each(invalid)(
    'rejects %s with a CryptoError naming the field',
    async (_name, fields, message) => {
      const error = await cacheKey(fields as never).catch((e: unknown) => e)
      expect(isCryptoError(error)).toBe(true)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).toMatch(/allowed: strings, finite numbers/)
    },
  )

  it('rejects cycles but accepts the same object twice', async () => {
    const shared = { x: 1 }
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}')
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    expect(() => canonicalJson(cyclic as never)).toThrow(/field `self` refers back to itself/)
  })
})
