/**
 * @module crypto/envelope — AES-256-GCM envelopes for cached audio.
 *
 * Layout (version 1):
 *
 * ```
 * 0        1          2 .. 2+n      2+n .. 14+n   14+n ..
 * version  n (1..64)  key id ASCII  IV (96 bit)   ciphertext || 128-bit tag
 * ```
 *
 * The additional authenticated data is the header bytes followed by the UTF-8 cache key, so a
 * blob copied under another cache key fails to open, and so does a header whose version or key
 * id was altered (binding the header also keeps a future version from being downgraded).
 */
import { concatBytes } from '../bytes/index.ts'
import { CryptoError } from './errors.ts'
import { KEY_ID_PATTERN, type KeyRing, lookupKey } from './key-ring.ts'

/** The envelope format this build writes and reads. */
export const ENVELOPE_VERSION = 1

const IV_BYTES = 12
const TAG_BYTES = 16

/** What an envelope header says, readable without a key. */
export interface EnvelopeHeader {
  version: number
  keyId: string
}

/**
 * Seals `plaintext` with the ring's newest key and a random IV, binding it to `aad` (the cache
 * key).
 *
 * @example
 * const blob = await sealEnvelope(ring, wavBytes, key)
 * await env.AUDIO.put(key, blob)
 */
export function sealEnvelope(
  ring: KeyRing,
  plaintext: Uint8Array,
  aad: string,
): Promise<Uint8Array> {
  return sealWithIv(ring, plaintext, aad, crypto.getRandomValues(new Uint8Array(IV_BYTES)))
}

/**
 * `sealEnvelope` with a caller-chosen IV. Only for known-answer tests: reusing an IV under one
 * key breaks AES-GCM, which is why the public API never takes one.
 */
export async function sealWithIv(
  ring: KeyRing,
  plaintext: Uint8Array,
  aad: string,
  iv: Uint8Array,
): Promise<Uint8Array> {
  checkInputs(plaintext, aad)
  if (iv.length !== IV_BYTES) throw new CryptoError('invalid_input', 'IV must be 12 bytes')
  const keyId = ring.currentId
  const key = lookupKey(ring, keyId)
  if (key === undefined)
    throw new CryptoError('unknown_key_id', `key '${keyId}' is not in the ring`)
  const id = new TextEncoder().encode(keyId)
  const header = concatBytes([Uint8Array.of(ENVELOPE_VERSION, id.length), id, iv])
  const sealed = await crypto.subtle.encrypt(
    {
      name: 'AES-GCM',
      iv: new Uint8Array(iv),
      additionalData: additionalData(header, aad),
      tagLength: 128,
    },
    key,
    new Uint8Array(plaintext),
  )
  return concatBytes([header, new Uint8Array(sealed)])
}

/**
 * Opens an envelope with whichever ring key its header names, checking it against `aad`.
 * Throws `CryptoError`: `bad_envelope` (not an envelope / unknown version), `unknown_key_id`
 * (key not in the ring), `tampered` (altered bytes, wrong AAD, or a different key under that id).
 *
 * @example
 * try { audio = await openEnvelope(ring, blob, key) } catch (e) { if (isCryptoError(e)) audio = undefined }
 */
export async function openEnvelope(
  ring: KeyRing,
  envelope: Uint8Array,
  aad: string,
): Promise<Uint8Array> {
  checkInputs(envelope, aad)
  const { keyId, headerLength } = parseHeader(envelope)
  const key = lookupKey(ring, keyId)
  if (key === undefined) {
    throw new CryptoError(
      'unknown_key_id',
      `envelope was sealed with key id '${keyId}', which is not in the key ring (ids: ${ring.ids.join(', ')})`,
      { details: { keyId } },
    )
  }
  const header = envelope.slice(0, headerLength)
  const iv = header.slice(headerLength - IV_BYTES)
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(header, aad), tagLength: 128 },
      key,
      envelope.slice(headerLength),
    )
    return new Uint8Array(plain)
  } catch (cause) {
    throw new CryptoError(
      'tampered',
      'envelope failed authentication: its bytes were altered, or it was opened with another cache key (AAD) or another key under the same id',
      { cause },
    )
  }
}

/**
 * Reads an envelope's version and key id without decrypting, e.g. to find entries still
 * sealed with a key about to be retired.
 *
 * @example
 * if (readEnvelopeHeader(blob).keyId !== ring.currentId) await reseal(blob)
 */
export function readEnvelopeHeader(envelope: Uint8Array): EnvelopeHeader {
  if (!(envelope instanceof Uint8Array)) {
    throw new CryptoError('invalid_input', 'envelope must be a Uint8Array')
  }
  return { version: ENVELOPE_VERSION, keyId: parseHeader(envelope).keyId }
}

function parseHeader(envelope: Uint8Array): { keyId: string; headerLength: number } {
  const version = envelope[0]
  if (version === undefined || envelope.length < 2) {
    throw new CryptoError(
      'bad_envelope',
      `envelope is ${envelope.length} bytes long, too short to hold a header`,
    )
  }
  if (version !== ENVELOPE_VERSION) {
    throw new CryptoError(
      'bad_envelope',
      `envelope format version ${version} is not supported; this build reads version ${ENVELOPE_VERSION}`,
    )
  }
  const idLength = envelope[1] as number
  const headerLength = 2 + idLength + IV_BYTES
  if (idLength === 0 || idLength > 64 || envelope.length < headerLength + TAG_BYTES) {
    throw new CryptoError(
      'bad_envelope',
      'envelope header is malformed or the envelope is truncated',
    )
  }
  let keyId = ''
  for (const byte of envelope.subarray(2, 2 + idLength)) keyId += String.fromCharCode(byte)
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw new CryptoError('bad_envelope', 'envelope header holds an invalid key id')
  }
  return { keyId, headerLength }
}

function additionalData(header: Uint8Array, aad: string): Uint8Array<ArrayBuffer> {
  return concatBytes([header, new TextEncoder().encode(aad)])
}

function checkInputs(bytes: unknown, aad: unknown): void {
  if (!(bytes instanceof Uint8Array))
    throw new CryptoError('invalid_input', 'data must be a Uint8Array')
  if (typeof aad !== 'string' || aad === '') {
    throw new CryptoError('invalid_input', 'aad must be a non-empty string (the cache key)')
  }
}
