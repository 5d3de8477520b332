/**
 * @module cache/idb-backend — the browser `CacheBackend` and its key: IndexedDB object stores
 * for blobs and their access times, and a non-extractable AES-GCM `CryptoKey` kept in the same
 * database (structured clone stores the key without ever exposing its bytes to script).
 * Raw IndexedDB rather than a wrapper library: five requests do not earn a dependency.
 */
import { importKeyRing, type KeyRing } from '@tts/core/crypto'
import { createLocalCache, type LocalCache } from './index.ts'
import type { CacheBackend, EntryInfo } from './types.ts'

const BLOBS = 'blobs'
const INFOS = 'infos'
const KEYS = 'keys'

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

/**
 * Opens (creating on first use) the cache database.
 *
 * @example
 * const db = await openCacheDb('tts-edge-cache')
 */
export function openCacheDb(
  name: string,
  factory: IDBFactory = globalThis.indexedDB,
): Promise<IDBDatabase> {
  const open = factory.open(name, 1)
  open.onupgradeneeded = () => {
    const db = open.result
    for (const store of [BLOBS, INFOS, KEYS])
      if (!db.objectStoreNames.contains(store)) db.createObjectStore(store)
  }
  return request(open)
}

/**
 * A `CacheBackend` over an open database.
 *
 * @example
 * createLocalCache({ backend: idbBackend(openCacheDb('tts')), keyRing })
 */
export function idbBackend(db: Promise<IDBDatabase>): CacheBackend {
  const tx = async (stores: string[], mode: IDBTransactionMode) =>
    (await db).transaction(stores, mode)
  const finished = (t: IDBTransaction) =>
    new Promise<void>((resolve, reject) => {
      t.oncomplete = () => resolve()
      t.onerror = () => reject(t.error)
      t.onabort = () => reject(t.error)
    })
  return {
    async list() {
      const t = await tx([INFOS], 'readonly')
      return (await request(t.objectStore(INFOS).getAll())) as EntryInfo[]
    },
    async read(key) {
      const t = await tx([BLOBS], 'readonly')
      const value = (await request(t.objectStore(BLOBS).get(key))) as Uint8Array | undefined
      return value ?? null
    },
    async write(info, sealed) {
      // One transaction for blob and info: both land or neither does.
      const t = await tx([BLOBS, INFOS], 'readwrite')
      t.objectStore(BLOBS).put(sealed, info.key)
      t.objectStore(INFOS).put(info, info.key)
      await finished(t)
    },
    async touch(info) {
      const t = await tx([INFOS], 'readwrite')
      t.objectStore(INFOS).put(info, info.key)
      await finished(t)
    },
    async remove(key) {
      const t = await tx([BLOBS, INFOS], 'readwrite')
      t.objectStore(BLOBS).delete(key)
      t.objectStore(INFOS).delete(key)
      await finished(t)
    },
    async clear() {
      const t = await tx([BLOBS, INFOS], 'readwrite')
      t.objectStore(BLOBS).clear()
      t.objectStore(INFOS).clear()
      await finished(t)
    },
  }
}

/**
 * The cache's key: read from the database, or generated non-extractable and stored there.
 *
 * @example
 * const ring = await idbKeyRing(openCacheDb('tts'))
 */
export async function idbKeyRing(db: Promise<IDBDatabase>): Promise<KeyRing> {
  const d = await db
  const stored = (await request(
    d.transaction([KEYS], 'readonly').objectStore(KEYS).get('local'),
  )) as CryptoKey | undefined
  let key = stored
  if (!key) {
    key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ])
    const t = d.transaction([KEYS], 'readwrite')
    // `add` fails if another tab stored a key first; then that one is used.
    t.objectStore(KEYS).add(key, 'local')
    try {
      await new Promise<void>((resolve, reject) => {
        t.oncomplete = () => resolve()
        t.onabort = () => reject(t.error)
      })
    } catch {
      key = (await request(
        d.transaction([KEYS], 'readonly').objectStore(KEYS).get('local'),
      )) as CryptoKey
    }
  }
  return importKeyRing([{ id: 'local', key }])
}

/** Options of `indexedDbCache`. */
export interface IndexedDbCacheOptions {
  /** Database name. Default `tts-edge-cache`. */
  name?: string
  ttlMs?: number
  maxBytes?: number
  factory?: IDBFactory
  now?: () => number
}

/**
 * The browser's encrypted local cache.
 *
 * @example
 * const client = createTtsClient({ endpoint, cache: indexedDbCache({ maxBytes: 20 * 1024 * 1024 }) })
 */
export function indexedDbCache(options: IndexedDbCacheOptions = {}): LocalCache {
  const db = openCacheDb(options.name ?? 'tts-edge-cache', options.factory)
  const keyRing = idbKeyRing(db)
  db.catch(() => {})
  keyRing.catch(() => {})
  return createLocalCache({
    backend: idbBackend(db),
    keyRing,
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    ...(options.now === undefined ? {} : { now: options.now }),
  })
}
