/**
 * @module cache/ring — the cache's key ring from the `CACHE_KEYS` secret ("id:base64,...",
 * newest first), imported once per isolate and value. In dev mode without the secret, an
 * ephemeral random key: the cache then lives as long as the isolate, and says so in the log.
 */
import { generateKeyBase64, importKeyRing, type KeyRing } from '@tts/core/crypto'
import { ProblemError } from '../problem/index.ts'
import { settingsOf } from '../settings/index.ts'

const rings = new Map<string, Promise<KeyRing>>()
let ephemeral: string | undefined

/**
 * The key ring of this `Env`.
 *
 * @example
 * const ring = await keyRingOf(env)
 */
export function keyRingOf(env: Env): Promise<KeyRing> {
  let spec = env.CACHE_KEYS
  if (!spec) {
    if (!settingsOf(env).devMode) {
      return Promise.reject(
        new ProblemError(
          'internal_error',
          'the cache key ring (secret CACHE_KEYS) is not configured',
        ),
      )
    }
    ephemeral ??= `dev:${generateKeyBase64()}`
    spec = ephemeral
  }
  let ring = rings.get(spec)
  if (!ring) {
    ring = importKeyRing(spec)
    rings.set(spec, ring)
    ring.catch(() => rings.delete(spec))
  }
  return ring
}
