/**
 * @module crypto/cache-key — `cacheKey(fields)`: hex SHA-256 over a canonical JSON of every
 * field that changes the audio.
 *
 * The canonical form is RFC 8785 (JCS) restricted to the values we accept: keys sorted by UTF-16
 * code units at every depth, no whitespace, ECMAScript number and string serialisation. It is
 * our own ~40 lines rather than the `canonicalize` package because that package silently drops
 * `undefined` and turns `NaN` into `null`, and a cache key that quietly ignores a broken field
 * is a cache key that serves the wrong audio. Here such fields are errors.
 */

import { CryptoError } from './errors.ts'
import { sha256Hex } from './sha256.ts'

/** A value allowed in a cache key: JSON without the lossy corners. */
export type CacheKeyValue =
  | string
  | number
  | boolean
  | null
  | readonly CacheKeyValue[]
  | { readonly [field: string]: CacheKeyValue }

/** The fields hashed into a cache key: field order never matters, every value does. */
export type CacheKeyFields = { readonly [field: string]: CacheKeyValue }

const ALLOWED =
  'allowed: strings, finite numbers, booleans, null, and arrays or plain objects of those'

/**
 * The canonical JSON text of `value` (sorted keys at every depth), as hashed by `cacheKey`.
 * Throws `CryptoError('invalid_input')` naming the field for `undefined`, `NaN`, `Infinity`,
 * functions, symbols, bigints, class instances (Date, Map, typed arrays) and cycles.
 *
 * @example
 * canonicalJson({ voice: 'ana', text: 'Hi' }) // '{"text":"Hi","voice":"ana"}'
 */
export function canonicalJson(value: CacheKeyFields): string {
  if (!isPlainObject(value)) {
    throw new CryptoError('invalid_input', `cache key fields must be a plain object; ${ALLOWED}`)
  }
  return write(value, '', new Set())
}

/**
 * Hex SHA-256 of `canonicalJson(fields)`: equal fields give equal keys whatever their order.
 *
 * @example
 * const key = await cacheKey({ text: normalizeText(input), language: 'en', voice: 'ana', format: 'wav', speed: 1 })
 * // '3f0c…' (64 hex characters)
 */
export async function cacheKey(fields: CacheKeyFields): Promise<string> {
  return sha256Hex(canonicalJson(fields))
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  const where = path === '' ? 'the value' : `field \`${path}\``
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CryptoError('invalid_input', `cache key ${where} is ${value}; ${ALLOWED}`)
      }
      return JSON.stringify(value)
    case 'object': {
      if (value === null) return 'null'
      if (ancestors.has(value)) {
        throw new CryptoError(
          'invalid_input',
          `cache key ${where} refers back to itself (a cycle); ${ALLOWED}`,
        )
      }
      ancestors.add(value)
      try {
        if (Array.isArray(value)) {
          const items: string[] = []
          for (let i = 0; i < value.length; i++) {
            items.push(write(value[i], `${path}[${i}]`, ancestors))
          }
          return `[${items.join(',')}]`
        }
        if (!isPlainObject(value)) {
          const kind = value.constructor?.name ?? 'object'
          throw new CryptoError('invalid_input', `cache key ${where} is a ${kind}; ${ALLOWED}`)
        }
        const entries = Object.keys(value)
          .sort()
          .map((key) => {
            const child = path === '' ? key : `${path}.${key}`
            return `${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], child, ancestors)}`
          })
        return `{${entries.join(',')}}`
      } finally {
        ancestors.delete(value)
      }
    }
    default:
      throw new CryptoError('invalid_input', `cache key ${where} is ${describe(value)}; ${ALLOWED}`)
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return 'a function'
  return `a ${typeof value}`
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
