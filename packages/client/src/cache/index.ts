/**
 * @module cache — the client's local audio cache: AES-256-GCM envelopes (core crypto, the
 * cache key as additional authenticated data), a TTL (7 days), a size cap (100 MB) with
 * least-recently-used eviction, and "anything that does not open is a miss and is removed".
 * The storage itself is a `CacheBackend` handed in by the runtime's entry.
 */
import { type KeyRing, openEnvelope, sealEnvelope } from '@tts/core/crypto'
import type { AudioFormat } from '../types.ts'
import type { CacheBackend, EntryInfo } from './types.ts'

export type { CacheBackend, EntryInfo } from './types.ts'

/** A cached piece of audio. */
export interface CachedAudio {
  audio: Uint8Array
  mimeType: string
  format: AudioFormat
  language: string
}

/** `cache.stats()`. */
export interface CacheStats {
  entries: number
  bytes: number
  maxBytes: number
  ttlMs: number
  hits: number
  misses: number
  /** Entries dropped because they did not decrypt or parse. */
  corrupt: number
  evictions: number
}

/** The local cache the client uses; see `createLocalCache`. */
export interface LocalCache {
  get(key: string): Promise<CachedAudio | null>
  set(key: string, value: CachedAudio): Promise<void>
  delete(key: string): Promise<void>
  clear(): Promise<void>
  stats(): Promise<CacheStats>
}

/** Options of `createLocalCache`. */
export interface LocalCacheOptions {
  backend: CacheBackend
  /** Keys that seal (newest) and open (any) entries. */
  keyRing: KeyRing | Promise<KeyRing>
  /** Default 7 days. */
  ttlMs?: number
  /** Default 100 MB. */
  maxBytes?: number
  now?: () => number
  /** Told about entries that failed to open, so they can be logged. */
  onCorrupt?: (key: string, error: unknown) => void
}

export const DEFAULT_TTL_MS = 7 * 24 * 60 * 60 * 1000
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024

/**
 * Builds the cache policy over a backend.
 *
 * @example
 * const cache = createLocalCache({ backend: memoryBackend(), keyRing: await importKeyRing([{ id: 'k1', key }]) })
 * await cache.set(key, { audio, mimeType: 'audio/wav', format: 'wav', language: 'en' })
 */
export function createLocalCache(options: LocalCacheOptions): LocalCache {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const now = options.now ?? Date.now
  const { backend } = options
  const counts = { hits: 0, misses: 0, corrupt: 0, evictions: 0 }
  let index: Promise<Map<string, EntryInfo>> | undefined

  const load = () => {
    index ??= backend.list().then((list) => new Map(list.map((info) => [info.key, info])))
    return index
  }

  const drop = async (entries: Map<string, EntryInfo>, key: string) => {
    entries.delete(key)
    await backend.remove(key)
  }

  const miss = () => {
    counts.misses++
    return null
  }

  return {
    async get(key) {
      const entries = await load()
      const info = entries.get(key)
      if (info === undefined) return miss()
      if (now() - info.createdAt >= ttlMs) {
        await drop(entries, key)
        return miss()
      }
      const sealed = await backend.read(key)
      if (sealed === null) {
        entries.delete(key)
        return miss()
      }
      let value: CachedAudio
      try {
        value = decode(await openEnvelope(await options.keyRing, sealed, key))
      } catch (error) {
        counts.corrupt++
        options.onCorrupt?.(key, error)
        await drop(entries, key)
        return miss()
      }
      counts.hits++
      const touched = { ...info, lastAccess: now() }
      entries.set(key, touched)
      await backend.touch(touched)
      return value
    },

    async set(key, value) {
      const entries = await load()
      const sealed = await sealEnvelope(await options.keyRing, encode(value), key)
      if (sealed.byteLength > maxBytes) return
      const at = now()
      const info: EntryInfo = { key, size: sealed.byteLength, createdAt: at, lastAccess: at }
      await backend.write(info, sealed)
      entries.set(key, info)
      await evict(entries)
    },

    async delete(key) {
      await drop(await load(), key)
    },

    async clear() {
      const entries = await load()
      entries.clear()
      await backend.clear()
    },

    async stats() {
      const entries = await load()
      let bytes = 0
      for (const info of entries.values()) bytes += info.size
      return { entries: entries.size, bytes, maxBytes, ttlMs, ...counts }
    },
  }

  async function evict(entries: Map<string, EntryInfo>) {
    const at = now()
    let total = 0
    for (const info of [...entries.values()]) {
      if (at - info.createdAt >= ttlMs) await drop(entries, info.key)
      else total += info.size
    }
    if (total <= maxBytes) return
    const oldestFirst = [...entries.values()].sort((a, b) => a.lastAccess - b.lastAccess)
    for (const info of oldestFirst) {
      if (total <= maxBytes) break
      total -= info.size
      counts.evictions++
      await drop(entries, info.key)
    }
  }
}

// Sealed payload: u32 length of a JSON header, the header, the audio. The header travels
// inside the envelope, so an index rebuilt from blobs alone loses nothing.
function encode(value: CachedAudio): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ mimeType: value.mimeType, format: value.format, language: value.language }),
  )
  const out = new Uint8Array(4 + header.byteLength + value.audio.byteLength)
  new DataView(out.buffer).setUint32(0, header.byteLength)
  out.set(header, 4)
  out.set(value.audio, 4 + header.byteLength)
  return out
}

function decode(bytes: Uint8Array): CachedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const length = view.getUint32(0)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Record<
    string,
    unknown
  >
  const audio = bytes.slice(4 + length)
  if (
    typeof header.mimeType !== 'string' ||
    typeof header.format !== 'string' ||
    audio.byteLength === 0
  ) {
    throw new Error('cached entry has no audio or a malformed header')
  }
  return {
    audio,
    mimeType: header.mimeType,
    format: header.format as AudioFormat,
    language: typeof header.language === 'string' ? header.language : 'en',
  }
}
