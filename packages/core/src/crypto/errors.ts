/**
 * @module crypto/errors — the one error type of the crypto module, with a guard that holds
 * across bundles (marker property, not `instanceof`).
 */
import { isTtsError, TtsError, type TtsErrorOptions } from '../errors/index.ts'

/**
 * Why a crypto operation failed:
 * - `tampered`: authentication failed — the envelope was altered, or opened with another AAD
 *   (cache key) or another key under the same id. AES-GCM cannot tell these apart.
 * - `unknown_key_id`: the envelope names a key id that is not in the ring.
 * - `invalid_key`: a key or key-ring spec is malformed (length, encoding, id, duplicates).
 * - `bad_envelope`: the bytes are not an envelope this build can read (too short, version).
 * - `invalid_input`: an argument has the wrong type or value (e.g. a `NaN` cache-key field).
 */
export type CryptoErrorCode =
  | 'tampered'
  | 'unknown_key_id'
  | 'invalid_key'
  | 'bad_envelope'
  | 'invalid_input'

/**
 * Thrown by `cacheKey`, `importKeyRing`, `sealEnvelope` and `openEnvelope`. Its message never
 * holds key material or plaintext.
 *
 * @example
 * try { await openEnvelope(ring, bytes, key) } catch (e) {
 *   if (isCryptoError(e) && e.code === 'tampered') treatAsMiss()
 * }
 */
export class CryptoError extends TtsError {
  override readonly code: CryptoErrorCode

  constructor(code: CryptoErrorCode, message: string, options: TtsErrorOptions = {}) {
    super(code, message, options)
    this.name = 'CryptoError'
    this.code = code
  }
}

const CRYPTO_CODES: ReadonlySet<string> = new Set<CryptoErrorCode>([
  'tampered',
  'unknown_key_id',
  'invalid_key',
  'bad_envelope',
  'invalid_input',
])

/**
 * True for a `CryptoError`, even one made by another copy of this module.
 *
 * @example
 * if (isCryptoError(e) && e.code === 'unknown_key_id') log.warn('cache entry from a retired key')
 */
export function isCryptoError(value: unknown): value is CryptoError {
  return isTtsError(value) && value.name === 'CryptoError' && CRYPTO_CODES.has(value.code)
}
