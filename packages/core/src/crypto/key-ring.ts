/**
 * @module crypto/key-ring — AES-256-GCM keys under short ids, newest first. The newest key
 * seals; any listed key opens, so a key is rotated by adding a new one in front and retired by
 * removing it once nothing sealed with it is still wanted.
 */
import { decodeBase64, encodeBase64 } from '../bytes/index.ts'
import { CryptoError } from './errors.ts'

/** Key ids travel in every envelope header: short, ASCII, no separators of the string spec. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/** One key of a ring spec: base64 (standard or URL-safe), 32 raw bytes, or an AES-GCM `CryptoKey`. */
export interface KeySpec {
  id: string
  key: string | Uint8Array | CryptoKey
}

/**
 * A ring of imported keys. Key material stays inside non-extractable `CryptoKey`s; the ring
 * itself exposes only ids.
 */
export interface KeyRing {
  /** Key ids, newest (the one that seals) first. */
  readonly ids: readonly string[]
  /** Id of the key new envelopes are sealed with. */
  readonly currentId: string
}

// One registry per realm, shared by every copy of this module loaded in it. Two copies of
// @tts/core in one app are common (the app and the SDK resolving different versions); with a
// module-private map, a ring made by one copy was unknown to the other, so the client's local
// cache silently never hit. The symbol is versioned: bump it if the stored shape changes. It
// exposes nothing new — the keys stay non-extractable, and same-realm code can already import
// this module and use a ring it holds.
const REGISTRY = Symbol.for('@tts/core/key-ring/v1')
type Registry = WeakMap<KeyRing, ReadonlyMap<string, CryptoKey>>
const realm = globalThis as unknown as Record<symbol, Registry | undefined>
realm[REGISTRY] ??= new WeakMap()
const keys: Registry = realm[REGISTRY]

/**
 * Imports a key ring from `[{id, key}]` (newest first) or from the string form
 * `"id1:base64,id2:base64"` (newest first), as kept in a secret or an env var.
 *
 * @example
 * const ring = await importKeyRing(env.CACHE_KEYS) // "2026-11:q7w…=,2026-05:Zx3…="
 * const ring2 = await importKeyRing([{ id: 'k2', key: newKeyB64 }, { id: 'k1', key: oldKeyB64 }])
 */
export async function importKeyRing(spec: string | readonly KeySpec[]): Promise<KeyRing> {
  const entries = typeof spec === 'string' ? parseRingString(spec) : spec
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new CryptoError(
      'invalid_key',
      'key ring is empty; allowed: at least one {id, key} entry, or "id:base64[,id:base64...]"',
    )
  }
  const map = new Map<string, CryptoKey>()
  for (const entry of entries) {
    const id: unknown = entry?.id
    if (typeof id !== 'string' || !KEY_ID_PATTERN.test(id)) {
      throw new CryptoError(
        'invalid_key',
        'key id is invalid; allowed: 1-64 characters of letters, digits, ".", "_" or "-"',
      )
    }
    if (map.has(id)) {
      throw new CryptoError(
        'invalid_key',
        `key id '${id}' appears twice in the key ring; ids must be unique`,
      )
    }
    map.set(id, await importOne(id, entry.key, map.size === 0))
  }
  const ids = Object.freeze([...map.keys()])
  const ring: KeyRing = Object.freeze({ ids, currentId: ids[0] as string })
  keys.set(ring, map)
  return ring
}

/**
 * A fresh random 256-bit key, base64-encoded, ready for a key ring spec.
 *
 * @example
 * const spec = `${new Date().toISOString().slice(0, 7)}:${generateKeyBase64()},${env.CACHE_KEYS}`
 */
export function generateKeyBase64(): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(32)))
}

/** The key for `id`, or `undefined`; internal to the crypto module. */
export function lookupKey(ring: KeyRing, id: string): CryptoKey | undefined {
  return ringKeys(ring).get(id)
}

function ringKeys(ring: KeyRing): ReadonlyMap<string, CryptoKey> {
  const map = keys.get(ring)
  if (map === undefined) {
    throw new CryptoError('invalid_input', 'not a key ring made by importKeyRing()')
  }
  return map
}

function parseRingString(spec: string): KeySpec[] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const colon = part.indexOf(':')
      if (colon <= 0) {
        throw new CryptoError(
          'invalid_key',
          'key ring string is malformed; allowed: "id:base64[,id:base64...]", newest key first',
        )
      }
      return { id: part.slice(0, colon).trim(), key: part.slice(colon + 1).trim() }
    })
}

async function importOne(id: string, key: unknown, seals: boolean): Promise<CryptoKey> {
  if (isCryptoKey(key)) {
    const algorithm = key.algorithm as AesKeyAlgorithm
    if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256) {
      throw new CryptoError('invalid_key', `key '${id}' is not an AES-GCM 256-bit CryptoKey`)
    }
    // Caught here, a missing usage is a clear message; at seal/open time it would be an
    // opaque DOMException that looks like tampering.
    const needed = seals ? ['encrypt', 'decrypt'] : ['decrypt']
    if (!needed.every((usage) => key.usages.includes(usage as KeyUsage))) {
      throw new CryptoError(
        'invalid_key',
        `key '${id}' lacks a usage it needs; allowed: a CryptoKey with usages ${needed.join(' and ')}${seals ? ' (the newest key seals)' : ''}`,
      )
    }
    return key
  }
  let raw: Uint8Array<ArrayBuffer> | undefined
  if (typeof key === 'string') {
    raw = decodeBase64(key)
    if (raw === undefined) {
      throw new CryptoError(
        'invalid_key',
        `key '${id}' is not valid base64; allowed: base64 of 32 bytes`,
      )
    }
  } else if (key instanceof Uint8Array) {
    raw = new Uint8Array(key)
  } else {
    throw new CryptoError(
      'invalid_key',
      `key '${id}' has the wrong type; allowed: a base64 string, a Uint8Array of 32 bytes or a CryptoKey`,
    )
  }
  if (raw.length !== 32) {
    throw new CryptoError(
      'invalid_key',
      `key '${id}' is ${raw.length} bytes long; allowed: exactly 32 bytes (AES-256)`,
    )
  }
  try {
    return await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, [
      'encrypt',
      'decrypt',
    ])
  } finally {
    raw.fill(0)
  }
}

// Duck-typed: a key from another realm (an iframe, a structured clone) fails `instanceof`.
function isCryptoKey(value: unknown): value is CryptoKey {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false
  const candidate = value as Partial<CryptoKey>
  return (
    typeof candidate.type === 'string' &&
    Array.isArray(candidate.usages) &&
    typeof candidate.algorithm === 'object'
  )
}
