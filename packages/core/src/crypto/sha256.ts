/**
 * @module crypto/sha256 — SHA-256 of text or bytes over Web Crypto, as bytes or lower-case hex:
 * cache keys, API-key hashes and upstream identities all take their digest from here.
 */
import { toHex } from '../bytes/index.ts'

/**
 * SHA-256 of `input` (a string is hashed as its UTF-8 bytes).
 *
 * @example
 * const digest = await sha256('secret') // Uint8Array(32)
 */
export async function sha256(input: string | Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
}

/**
 * Lower-case hex SHA-256 of `input` (64 characters), the form `API_KEYS` entries are stored in.
 *
 * @example
 * await sha256Hex('abc') // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  return toHex(await sha256(input))
}
