/**
 * @module node/file-cache — the Node local cache: `fileBackend` under the platform cache
 * directory, sealed with a 256-bit key kept beside it in a file only its owner can read.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { importKeyRing, type KeyRing, type KeySpec } from '@tts/core/crypto'
import { fileBackend } from '../cache/file-backend.ts'
import { createLocalCache, type LocalCache } from '../cache/index.ts'
import { platformCacheDir } from './paths.ts'

/** Options of `fileCache`. */
export interface FileCacheOptions {
  /** Default: `platformCacheDir()/audio`. */
  dir?: string
  /** A key ring spec (newest first) to use instead of the key file in `dir`. */
  keys?: string | readonly KeySpec[]
  ttlMs?: number
  maxBytes?: number
  now?: () => number
  onCorrupt?: (key: string, error: unknown) => void
}

/**
 * An encrypted file cache for Node apps.
 *
 * @example
 * const client = createTtsClient({ endpoint, cache: fileCache({ maxBytes: 50 * 1024 * 1024 }) })
 */
export function fileCache(options: FileCacheOptions = {}): LocalCache & { dir: string } {
  const dir = options.dir ?? join(platformCacheDir(), 'audio')
  const keyRing =
    options.keys === undefined ? keyFromFile(join(dir, 'key')) : importKeyRing(options.keys)
  // An unhandled rejection here would crash the app before any call could report it.
  keyRing.catch(() => {})
  const cache = createLocalCache({
    backend: fileBackend({ dir, ...(options.now ? { now: options.now } : {}) }),
    keyRing,
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.onCorrupt === undefined ? {} : { onCorrupt: options.onCorrupt }),
  })
  return Object.assign(cache, { dir })
}

/**
 * Reads the cache key from `path`, creating it (owner-only) on first use. A damaged key file
 * is replaced: the entries it sealed stop opening and are dropped as misses, which is the
 * cache's answer to any entry it cannot read.
 */
async function keyFromFile(path: string): Promise<KeyRing> {
  let raw: Uint8Array | undefined
  try {
    raw = new Uint8Array(await readFile(path))
  } catch {}
  if (raw?.byteLength !== 32) {
    raw = crypto.getRandomValues(new Uint8Array(32))
    await mkdir(join(path, '..'), { recursive: true })
    try {
      await writeFile(path, raw, { mode: 0o600, flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const theirs = new Uint8Array(await readFile(path))
      if (theirs.byteLength === 32) raw = theirs
      else await writeFile(path, raw, { mode: 0o600 })
    }
  }
  return importKeyRing([{ id: 'local', key: raw }])
}
