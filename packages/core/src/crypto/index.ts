/**
 * @module @tts/core/crypto — cache keys (SHA-256 over canonical JSON) and AES-256-GCM envelope
 * encryption with key rotation, SHA-256 as bytes or hex, over Web Crypto only.
 */

// Cache keys are made from normalised text; offered here so one import gives both.
export { normalizeText } from '../text/normalize.ts'
export type { CacheKeyFields, CacheKeyValue } from './cache-key.ts'
export { cacheKey, canonicalJson } from './cache-key.ts'
export type { EnvelopeHeader } from './envelope.ts'
export { ENVELOPE_VERSION, openEnvelope, readEnvelopeHeader, sealEnvelope } from './envelope.ts'
export type { CryptoErrorCode } from './errors.ts'
export { CryptoError, isCryptoError } from './errors.ts'
export type { KeyRing, KeySpec } from './key-ring.ts'
export { generateKeyBase64, importKeyRing, KEY_ID_PATTERN } from './key-ring.ts'
export { sha256, sha256Hex } from './sha256.ts'
