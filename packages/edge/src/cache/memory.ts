/**
 * @module cache/memory — the plaintext of recently served entries, kept by the isolate, so a
 * warm hit skips the Cache API read and the AES-GCM opening (most of a hit's own work, see
 * issue 17's profile). Keyed by the full cache key, which covers the caller's scope (tenant or
 * key) and whatever else the key folds in, so one tenant can never read another's entry here.
 *
 * Bounded in bytes, not entries (answers range from a few KB of MP3 to MBs of WAV): 32 MB by
 * default (`CACHE_MEMORY_BYTES`), a quarter of a Worker isolate's 128 MB, which leaves room for
 * the encoders, a stream in flight and the language model; that holds ~300 WAV or ~3,000 MP3
 * phrases of ~2 s. One entry may take at most an eighth of it, so one long answer cannot flush
 * the rest. The entry's own expiry is checked on every read (the store's clock), and no entry
 * stays longer than 5 minutes: a purge or eviction run by another isolate (which cannot reach
 * this one's memory) is honoured here within that time.
 *
 * It is the store's (cache/store.ts): it is filled by hits and emptied by the store's delete.
 * It belongs to one key ring: when `CACHE_KEYS` changes (a key revoked or added), what was
 * opened under the old ring is dropped, never served. `forgetRecentAudio()` empties it (a purge).
 * lru-cache does the bookkeeping (sizes, recency, ttl) rather than code of ours.
 */
import type { KeyRing } from '@tts/core/crypto'
import { LRUCache } from 'lru-cache'

/** Default byte budget of the isolate's recent plaintext. */
export const RECENT_AUDIO_MAX_BYTES = 32 * 1024 * 1024
/** The longest an entry is answered from memory before storage is asked again. */
export const RECENT_AUDIO_MAX_AGE_MS = 5 * 60_000

/** What is remembered of an entry: its plaintext and when it expires (ms since epoch). */
export interface RecentEntry<M extends { expires: number }> {
  bytes: Uint8Array
  meta: M
}

/** An isolate's recent plaintext, for one key ring. */
export interface RecentAudio<M extends { expires: number }> {
  /** The entry if remembered and not expired at `now`. */
  get(key: string, now: number): RecentEntry<M> | undefined
  /** Remembers `entry` until its expiry (or until pushed out). */
  set(key: string, entry: RecentEntry<M>, now: number): void
  delete(key: string): void
  /** Bytes held. */
  readonly bytes: number
}

type Lru = LRUCache<string, RecentEntry<{ expires: number }>>

let current: { ring: KeyRing; maxBytes: number; lru: Lru } | undefined

/**
 * The recent plaintext of `ring` in this isolate, `maxBytes` at most (0: none kept; absent:
 * the budget already in use, else the default); a ring or budget other than the last one
 * starts empty.
 *
 * @example
 * const recent = recentAudioOf(ring, settings.cacheMemoryBytes)
 * const hit = recent.get(key, Date.now())
 */
export function recentAudioOf<M extends { expires: number }>(
  ring: KeyRing,
  budget?: number,
  /** The clock of the 5-minute bound (tests use a fake one; it starts the memory afresh). */
  clock?: () => number,
): RecentAudio<M> {
  const maxBytes = budget ?? current?.maxBytes ?? RECENT_AUDIO_MAX_BYTES
  if (!current || current.ring !== ring || current.maxBytes !== maxBytes || clock) {
    current?.lru.clear()
    current =
      maxBytes > 0
        ? {
            ring,
            maxBytes,
            lru: new LRUCache({
              maxSize: maxBytes,
              maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
              sizeCalculation: (e) => Math.max(1, e.bytes.byteLength),
              ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
            }),
          }
        : { ring, maxBytes, lru: new LRUCache({ max: 1 }) }
  }
  const { lru } = current
  const keeps = maxBytes > 0
  return {
    get(key, now) {
      const entry = lru.get(key) as RecentEntry<M> | undefined
      if (!entry) return undefined
      if (!(entry.meta.expires > now)) {
        lru.delete(key)
        return undefined
      }
      return entry
    },
    set(key, entry, now) {
      const ttl = entry.meta.expires - now
      if (!keeps || !(ttl > 0)) return
      lru.set(key, entry, { ttl: Math.min(ttl, RECENT_AUDIO_MAX_AGE_MS) })
    },
    delete(key) {
      lru.delete(key)
    },
    get bytes() {
      return keeps ? lru.calculatedSize : 0
    },
  }
}

/**
 * Forgets every remembered plaintext of this isolate (a purge, `DELETE /v1/cache`).
 *
 * @example
 * forgetRecentAudio()
 */
export function forgetRecentAudio(): void {
  current?.lru.clear()
}

/**
 * Bytes of plaintext this isolate keeps now (0 when it keeps none), for `/metrics`.
 *
 * @example
 * metrics.gauge('tts.edge.cache.memory_bytes').set(recentAudioBytes())
 */
export function recentAudioBytes(): number {
  return current && current.maxBytes > 0 ? current.lru.calculatedSize : 0
}
