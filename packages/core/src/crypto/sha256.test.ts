import { describe, expect, it } from 'vitest'
import { sha256, sha256Hex } from './sha256.ts'

describe('sha256 / sha256Hex', () => {
  it('gives the FIPS 180-2 digests of "abc" and of the empty string', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(await sha256Hex('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
  })

  it('hashes a string as its UTF-8 bytes, the same digest as those bytes', async () => {
    const text = `clé ${crypto.randomUUID()} 日本`
    const bytes = new TextEncoder().encode(text)
    expect(await sha256Hex(text)).toBe(await sha256Hex(bytes))
    // Computed outside this code: printf 'clé 日本' | sha256sum
    expect(await sha256Hex('clé 日本')).toBe(
      'ac2a20414ec89ea4cfade78a31e5b3be70a364cd3d285249e77edd39c982f5a8',
    )
  })

  it('hashes only the viewed part of a subarray', async () => {
    const whole = new TextEncoder().encode(`xx${crypto.randomUUID()}yy`)
    const inner = whole.subarray(2, whole.length - 2)
    expect(await sha256Hex(inner)).toBe(await sha256Hex(inner.slice()))
    const digest = await sha256(inner)
    expect(digest).toHaveLength(32)
  })
})
