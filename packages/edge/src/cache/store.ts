/**
 * @module cache/store — the encrypted audio cache: Cache API (per location) → R2 (envelope
 * sealed with the cache key as AAD) → KV index (metadata for stats, expiry and LRU). Reads
 * take no lock and write nothing synchronously; bookkeeping goes to `waitUntil`.
 *
 * An entry sealed with a key id this isolate's ring does not list is a miss and is left alone:
 * during a `CACHE_KEYS` rollout, isolates on the old ring meet entries sealed with the new key,
 * which the rest of the fleet can open. A corrupted or truncated entry is a miss and is deleted
 * (the miss path replaces it): its key id is known, so AES-GCM's tag failing means the bytes are
 * not what any isolate sealed under that key, and no ring anywhere can open them. A bad Cache
 * API copy is dropped alone and the R2 object is read; only a bad R2 object is deleted from R2.
 * An expired entry is a miss that stays (for STALE serving) until the miss path overwrites it
 * or the cron purges it.
 *
 * A warm isolate answers a hit from its own recent plaintext first (cache/memory.ts), and
 * rewrites an entry's `lastUsed` at most once an hour per isolate, however often it is hit.
 */
import { isCryptoError, type KeyRing, openEnvelope, sealEnvelope } from '@tts/core/crypto'
import { LRUCache } from 'lru-cache'
import { recentAudioOf } from './memory.ts'

/** What the index knows about an entry — never the text. */
export interface EntryMeta {
  /** `response` (encoded answer) or `segment` (PCM of one sentence). */
  kind: 'response' | 'segment'
  format: string
  language: string
  sampleRate: number
  durationMs: number
  /** Bytes of the stored (sealed) object. */
  size: number
  created: number
  expires: number
  lastUsed: number
  etag: string
  upstream: string
  /** The generation owner and id the entry's key was derived under (see `generation.ts`). */
  owner?: string
  generation?: string
  /** The cache scope (tenant) that stored it, for per-tenant stats; absent on older entries. */
  scope?: string
}

/** A cache hit: the decrypted bytes and their metadata. */
export interface CacheHit {
  bytes: Uint8Array
  meta: EntryMeta
  /** Which layer answered (`memory`: this isolate's recent plaintext). */
  layer: 'memory' | 'cache-api' | 'r2'
  /** Past its expiry, returned only because the read allowed it (`staleMaxMs`). */
  stale?: true
}

/** How a read may differ from the hit path's. */
export interface GetOptions {
  /**
   * Also return an expired entry, up to this long past its expiry (marked `stale`): the
   * fallback when no upstream can serve. Such a read refreshes nothing.
   */
  staleMaxMs?: number
}

/** Result of {@link AudioCache.get}: a hit, or why it missed. */
export type CacheLookup = CacheHit | { miss: 'absent' | 'expired' | 'corrupt' | 'unknown-key' }

/** The lookup a request that keeps nothing (`Cache-Control: no-store`) does not make: a miss. */
export const NOT_LOOKED_UP: CacheLookup = Object.freeze({ miss: 'absent' as const })

/** What the cache needs from the runtime. */
export interface AudioCacheDeps {
  r2: R2Bucket
  kv: KVNamespace
  ring: KeyRing
  /**
   * Per-location HTTP cache; `undefined` where there is none. As a function it is looked up on
   * first use only (`caches.default` costs a lookup that a hit from memory need not pay).
   */
  edgeCache: Cache | undefined | (() => Cache | undefined)
  waitUntil(promise: Promise<unknown>): void
  now?: () => number
  /** Told about corrupt entries (for logs/metrics). */
  onCorrupt?: (key: string, error: unknown) => void
  /** Told about entries sealed with a key id the ring does not list (a `CACHE_KEYS` rollout). */
  onUnknownKey?: (key: string) => void
  /** Stamped on every entry `put` writes, so the cron can retire old generations. */
  stamp?: { owner: string; generation: string }
  /** Bytes of recent plaintext this isolate keeps (default 32 MiB; 0: none). */
  memoryBytes?: number
  /** The caller's cache scope, recorded in what it stores (for per-tenant stats). */
  scope?: string
}

/** The encrypted audio cache. */
export interface AudioCache {
  get(key: string, options?: GetOptions): Promise<CacheLookup>
  /** True when this isolate holds the entry's plaintext: `get` would answer it from memory. */
  holds(key: string): boolean
  put(key: string, plaintext: Uint8Array, meta: Omit<EntryMeta, 'size' | 'lastUsed'>): Promise<void>
  delete(key: string): Promise<void>
}

let locationCache: Cache | undefined

/** The per-location HTTP cache (`caches.default`), where the runtime has one. */
export function edgeCacheOf(): Cache | undefined {
  if (locationCache) return locationCache
  const storage = (globalThis as { caches?: { default?: Cache } }).caches
  return storage?.default
}

/**
 * Makes `cache` this isolate's location cache (`undefined`: `caches.default` again). Tests use
 * a second namespace to stand in for another location.
 *
 * @example
 * useLocationCache(await caches.open('other-location'))
 */
export function useLocationCache(cache: Cache | undefined): void {
  locationCache = cache
}

/** R2 object name of an entry. */
export const r2Name = (key: string) => `audio/${key}`
/** KV index name of an entry. */
export const kvName = (key: string) => `cache:${key}`
const edgeUrl = (key: string) => `https://tts-edge.cache/audio/${key}`
const TOUCH_EVERY_MS = 60 * 60 * 1000

// Keys whose `lastUsed` this isolate rewrote within the hour: the Cache API copy's metadata
// keeps the stored `lastUsed`, so without this every hit of an entry over an hour old wrote KV.
const touched = new LRUCache<string, true>({ max: 4096, ttl: TOUCH_EVERY_MS, ttlResolution: 0 })

function parseMeta(raw: string | null | undefined): EntryMeta | undefined {
  if (!raw) return undefined
  try {
    const meta = JSON.parse(raw) as EntryMeta
    return typeof meta.expires === 'number' && typeof meta.size === 'number' ? meta : undefined
  } catch {
    return undefined
  }
}

/** `deps` whose edge cache, when given as a function, is looked up once, on first use. */
function lazyEdgeCache(deps: AudioCacheDeps): AudioCacheDeps & { edgeCache: Cache | undefined } {
  const { edgeCache } = deps
  if (typeof edgeCache !== 'function') return { ...deps, edgeCache }
  let found: Cache | undefined
  let looked = false
  return {
    ...deps,
    get edgeCache() {
      if (!looked) {
        found = edgeCache()
        looked = true
      }
      return found
    },
  }
}

/**
 * A cache over the given bindings and key ring.
 *
 * @example
 * const cache = createAudioCache({ r2: env.AUDIO, kv: env.INDEX, ring, edgeCache: caches.default, waitUntil: (p) => ctx.waitUntil(p) })
 * const found = await cache.get(key)
 */
export function createAudioCache(options: AudioCacheDeps): AudioCache {
  const deps = lazyEdgeCache(options)
  const now = deps.now ?? Date.now
  const recent = recentAudioOf<EntryMeta>(deps.ring, deps.memoryBytes)

  // Eviction and purge read `lastUsed`: an hour's precision is all they need.
  function touch(key: string, meta: EntryMeta, at: number): void {
    if (at - meta.lastUsed <= TOUCH_EVERY_MS || touched.has(key)) return
    touched.set(key, true)
    deps.waitUntil(deps.kv.put(kvName(key), '', { metadata: { ...meta, lastUsed: at } }))
  }

  async function remove(key: string): Promise<void> {
    recent.delete(key)
    await Promise.all([
      deps.r2.delete(r2Name(key)),
      deps.kv.delete(kvName(key)),
      deps.edgeCache?.delete(edgeUrl(key)),
    ])
  }

  async function read(
    key: string,
  ): Promise<{ sealed: Uint8Array; meta: EntryMeta; layer: CacheHit['layer'] } | undefined> {
    const cached = await deps.edgeCache?.match(edgeUrl(key))
    const cachedMeta = parseMeta(cached?.headers.get('x-tts-meta'))
    if (cached && cachedMeta)
      return {
        sealed: new Uint8Array(await cached.arrayBuffer()),
        meta: cachedMeta,
        layer: 'cache-api',
      }
    await cached?.body?.cancel()
    const object = await deps.r2.get(r2Name(key))
    if (!object) return undefined
    const meta = parseMeta(object.customMetadata?.meta)
    const sealed = new Uint8Array(await object.arrayBuffer())
    if (!meta) return { sealed, meta: { expires: 0 } as EntryMeta, layer: 'r2' }
    return { sealed, meta, layer: 'r2' }
  }

  function remember(key: string, sealed: Uint8Array, meta: EntryMeta): Promise<void> {
    const maxAge = Math.max(1, Math.floor((meta.expires - now()) / 1000))
    const headers = { 'x-tts-meta': JSON.stringify(meta), 'cache-control': `max-age=${maxAge}` }
    return (
      deps.edgeCache?.put(edgeUrl(key), new Response(sealed as BodyInit, { headers })) ??
      Promise.resolve()
    )
  }

  const cache: AudioCache = {
    async get(key, options = {}) {
      const remembered = recent.get(key, now())
      if (remembered) {
        touch(key, remembered.meta, now())
        return { bytes: remembered.bytes, meta: remembered.meta, layer: 'memory' }
      }
      const found = await read(key)
      if (!found) return { miss: 'absent' }
      const { sealed, meta, layer } = found
      // An expired entry is a miss but stays stored: the miss path overwrites it, and while no
      // upstream can serve, a read with `staleMaxMs` may still return it (STALE). The cron
      // deletes it once it is past the stale window.
      const expired = !(meta.expires > now())
      const staleMaxMs = options.staleMaxMs
      if (expired && (staleMaxMs === undefined || !(now() - meta.expires <= staleMaxMs))) {
        return { miss: 'expired' }
      }
      let bytes: Uint8Array
      try {
        bytes = await openEnvelope(deps.ring, sealed, key)
      } catch (error) {
        if (!isCryptoError(error)) throw error
        if (error.code === 'unknown_key_id') {
          deps.onUnknownKey?.(key)
          return { miss: 'unknown-key' }
        }
        if (layer === 'cache-api') {
          // Only this location's copy is bad; the R2 object may be fine: read it.
          await deps.edgeCache?.delete(edgeUrl(key))
          return cache.get(key, options)
        }
        deps.onCorrupt?.(key, error)
        await remove(key)
        return { miss: 'corrupt' }
      }
      if (expired) return { bytes, meta, layer, stale: true }
      if (layer === 'r2') deps.waitUntil(remember(key, sealed, meta))
      recent.set(key, { bytes, meta }, now())
      touch(key, meta, now())
      return { bytes, meta, layer }
    },
    holds: (key) => recent.get(key, now()) !== undefined,
    async put(key, plaintext, partial) {
      // A replaced entry (a new ETag) must not be answered in its older form from memory.
      recent.delete(key)
      const sealed = await sealEnvelope(deps.ring, plaintext, key)
      const meta: EntryMeta = {
        ...partial,
        ...deps.stamp,
        ...(deps.scope === undefined ? {} : { scope: deps.scope }),
        size: sealed.byteLength,
        lastUsed: partial.created,
      }
      await deps.r2.put(r2Name(key), sealed, { customMetadata: { meta: JSON.stringify(meta) } })
      await deps.kv.put(kvName(key), '', { metadata: meta })
      await remember(key, sealed, meta)
    },
    delete: remove,
  }
  return cache
}
