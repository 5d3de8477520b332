/**
 * @module cache/memory-backend — a `CacheBackend` in memory: for runtimes with no storage and
 * for tests of the cache policy.
 */
import type { CacheBackend, EntryInfo } from './types.ts'

/**
 * Keeps sealed entries in a `Map`; gone when the process ends.
 *
 * @example
 * const cache = createLocalCache({ backend: memoryBackend(), keyRing })
 */
export function memoryBackend(): CacheBackend & { blobs: Map<string, Uint8Array> } {
  const infos = new Map<string, EntryInfo>()
  const blobs = new Map<string, Uint8Array>()
  return {
    blobs,
    async list() {
      return [...infos.values()].map((info) => ({ ...info }))
    },
    async read(key) {
      return blobs.get(key) ?? null
    },
    async write(info, sealed) {
      infos.set(info.key, { ...info })
      blobs.set(info.key, sealed)
    },
    async touch(info) {
      if (infos.has(info.key)) infos.set(info.key, { ...info })
    },
    async remove(key) {
      infos.delete(key)
      blobs.delete(key)
    },
    async clear() {
      infos.clear()
      blobs.clear()
    },
  }
}
