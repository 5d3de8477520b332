/**
 * @module cache/file-backend — the Node `CacheBackend`: one file per entry named by its cache
 * key, written to a temp file and renamed (a crash leaves either the old file or the new one,
 * never half of one), plus an `index.json` of sizes and access times that is only a hint: the
 * directory listing is the truth, so a damaged or stale index is rebuilt from the files.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CacheBackend, EntryInfo } from './types.ts'

const ENTRY = /^([0-9a-f]{64})\.bin$/
/** A temp file this old belongs to a writer that crashed. */
const STALE_TEMP_MS = 60_000

/** Options of `fileBackend`. */
export interface FileBackendOptions {
  dir: string
  now?: () => number
}

/**
 * A directory-backed store for `createLocalCache`.
 *
 * @example
 * const cache = createLocalCache({ backend: fileBackend({ dir: '/tmp/tts-cache' }), keyRing })
 */
export function fileBackend(options: FileBackendOptions): CacheBackend {
  const entriesDir = join(options.dir, 'entries')
  const indexPath = join(options.dir, 'index.json')
  const now = options.now ?? Date.now
  const infos = new Map<string, EntryInfo>()
  let saving: Promise<void> | undefined
  let dirty = false

  const pathOf = (key: string) => join(entriesDir, `${key}.bin`)

  const saveIndex = (): Promise<void> => {
    dirty = true
    saving ??= (async () => {
      try {
        while (dirty) {
          dirty = false
          const body = JSON.stringify({ version: 1, entries: Object.fromEntries(infos) })
          await atomicWrite(indexPath, body)
        }
      } finally {
        saving = undefined
      }
    })()
    return saving
  }

  return {
    async list() {
      await mkdir(entriesDir, { recursive: true })
      const hint = await readIndex(indexPath)
      infos.clear()
      for (const name of await readdir(entriesDir)) {
        const match = ENTRY.exec(name)
        const path = join(entriesDir, name)
        if (!match) {
          if (name.endsWith('.tmp')) await removeIfStale(path, now())
          continue
        }
        const key = match[1] as string
        const st = await stat(path).catch(() => undefined)
        if (!st) continue
        const known = hint.get(key)
        infos.set(key, {
          key,
          size: st.size,
          createdAt: known?.createdAt ?? st.mtimeMs,
          lastAccess: known?.lastAccess ?? st.mtimeMs,
        })
      }
      await saveIndex()
      return [...infos.values()].map((info) => ({ ...info }))
    },
    async read(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw error
      }
    },
    async write(info, sealed) {
      await mkdir(entriesDir, { recursive: true })
      await atomicWrite(pathOf(info.key), sealed)
      infos.set(info.key, { ...info })
      await saveIndex()
    },
    async touch(info) {
      if (!infos.has(info.key)) return
      infos.set(info.key, { ...info })
      await saveIndex()
    },
    async remove(key) {
      infos.delete(key)
      await rm(pathOf(key), { force: true })
      await saveIndex()
    },
    async clear() {
      infos.clear()
      await rm(entriesDir, { recursive: true, force: true })
      await mkdir(entriesDir, { recursive: true })
      await saveIndex()
    },
  }
}

/**
 * Writes `data` to `path` through a temp file in the same directory and a rename.
 *
 * @example
 * await atomicWrite('/tmp/x.json', '{}')
 */
export async function atomicWrite(
  path: string,
  data: string | Uint8Array,
  mode = 0o600,
): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`
  try {
    await writeFile(temp, data, { mode })
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
}

async function readIndex(
  path: string,
): Promise<Map<string, { createdAt: number; lastAccess: number }>> {
  const out = new Map<string, { createdAt: number; lastAccess: number }>()
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch {
    return out // missing or damaged: the listing rebuilds it
  }
  const entries = (parsed as { entries?: unknown } | null)?.entries
  if (typeof entries !== 'object' || entries === null) return out
  for (const [key, value] of Object.entries(entries)) {
    const v = value as Record<string, unknown> | null
    if (typeof v?.createdAt === 'number' && typeof v.lastAccess === 'number') {
      out.set(key, { createdAt: v.createdAt, lastAccess: v.lastAccess })
    }
  }
  return out
}

async function removeIfStale(path: string, at: number) {
  const st = await stat(path).catch(() => undefined)
  if (st && at - st.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true })
}
