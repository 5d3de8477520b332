import { describe, expect, it } from 'vitest'
import { concatBytes, decodeBase64, encodeBase64, toHex } from './index.ts'

// getRandomValues fills at most 64 KiB a call (workerd enforces it).
function random(n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let at = 0; at < n; at += 65_536) crypto.getRandomValues(out.subarray(at, at + 65_536))
  return out
}

describe('concatBytes', () => {
  it('joins parts in order, subarrays by their view only', () => {
    const backing = Uint8Array.of(9, 1, 2, 9)
    const out = concatBytes([
      Uint8Array.of(0),
      backing.subarray(1, 3),
      new Uint8Array(0),
      Uint8Array.of(3),
    ])
    expect([...out]).toEqual([0, 1, 2, 3])
    expect(out.buffer.byteLength).toBe(4)
  })

  it('always copies, even a single part', () => {
    const part = Uint8Array.of(1, 2)
    const out = concatBytes([part])
    part[0] = 7
    expect([...out]).toEqual([1, 2])
    expect(concatBytes([])).toHaveLength(0)
  })
})

describe('base64', () => {
  it('round-trips random bytes of every length modulo 3, and more than one encoding slice', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100_001]) {
      const bytes = random(n)
      const back = decodeBase64(encodeBase64(bytes))
      // A byte-by-byte check: a deep equality over 100 KB is slow in the test runner.
      expect(back?.length).toBe(n)
      expect(back?.every((b, i) => b === bytes[i])).toBe(true)
    }
  })

  it('matches the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ]
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64(new TextEncoder().encode(plain))).toBe(encoded)
      expect(new TextDecoder().decode(decodeBase64(encoded))).toBe(plain)
    }
  })

  it('reads URL-safe, unpadded and wrapped text', () => {
    expect([...(decodeBase64('-_8') ?? [])]).toEqual([251, 255])
    expect([...(decodeBase64('+/8=') ?? [])]).toEqual([251, 255])
    expect(decodeBase64('Zm9v\nYmFy')).toEqual(new TextEncoder().encode('foobar'))
  })

  it('answers undefined for text that is not base64', () => {
    for (const bad of ['Zm9v!', 'Z', 'Zm9v===', 'Zm=9v']) expect(decodeBase64(bad)).toBeUndefined()
  })
})

describe('toHex', () => {
  it('writes two lower-case digits a byte', () => {
    expect(toHex(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff')
    expect(toHex(new Uint8Array(0))).toBe('')
  })
})
