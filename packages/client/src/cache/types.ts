/**
 * @module cache/types — the contract between the cache's policy (TTL, size cap, LRU,
 * encryption; `cache/index.ts`) and where the bytes live (a directory in Node, IndexedDB in a
 * browser, memory in tests).
 */

/** What the policy tracks per entry; all of it can be rebuilt from the stored blobs. */
export interface EntryInfo {
  /** The cache key: hex SHA-256 over every field that changes the audio. */
  key: string
  /** Stored (sealed) size in bytes. */
  size: number
  /** When it was stored, ms since the epoch. */
  createdAt: number
  /** When it was last read or written, ms since the epoch. */
  lastAccess: number
}

/** Where sealed entries live. Every method may be called before the previous one settled. */
export interface CacheBackend {
  /** Every stored entry; a damaged index is rebuilt from the blobs, never fatal. */
  list(): Promise<EntryInfo[]>
  read(key: string): Promise<Uint8Array | null>
  write(info: EntryInfo, sealed: Uint8Array): Promise<void>
  /** Records a new `lastAccess`; may be batched, losing it costs only LRU precision. */
  touch(info: EntryInfo): Promise<void>
  remove(key: string): Promise<void>
  clear(): Promise<void>
}
