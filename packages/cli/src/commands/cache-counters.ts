/**
 * @module commands/cache-counters — the local cache's hit and miss counts across runs. The
 * SDK counts lookups per process, and each `tts` run is one short process, so `tts cache stats`
 * showed "hit rate n/a" whatever had been served. Each run adds its counts to a small file
 * beside the cache (written atomically); a purge resets it with the cache.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Lookups of the local cache, summed over runs. */
export interface CacheCounters {
  hits: number
  misses: number
}

const FILE = 'cache-counters.json'

/**
 * The counters kept in `dir` (zero when none are kept or the file is damaged).
 *
 * @example
 * const { hits, misses } = await readCounters(cacheDir(ctx))
 */
export async function readCounters(dir: string): Promise<CacheCounters> {
  try {
    const raw = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as Partial<CacheCounters>
    const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
    return { hits: count(raw.hits), misses: count(raw.misses) }
  } catch {
    return { hits: 0, misses: 0 }
  }
}

/**
 * Adds one run's lookups to the counters in `dir`.
 *
 * @example
 * await addCounters(cacheDir(ctx), { hits: 1, misses: 0 })
 */
export async function addCounters(dir: string, run: CacheCounters): Promise<void> {
  if (run.hits === 0 && run.misses === 0) return
  const kept = await readCounters(dir)
  const next = { hits: kept.hits + run.hits, misses: kept.misses + run.misses }
  await mkdir(dir, { recursive: true })
  const tmp = join(dir, `${FILE}.${process.pid}.tmp`)
  await writeFile(tmp, `${JSON.stringify(next)}\n`)
  await rename(tmp, join(dir, FILE))
}

/**
 * Forgets the counters in `dir` (with a purge of the cache they describe).
 *
 * @example
 * await resetCounters(cacheDir(ctx))
 */
export async function resetCounters(dir: string): Promise<void> {
  await rm(join(dir, FILE), { force: true })
}
