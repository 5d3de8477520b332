/**
 * @module node/queue-storage — the warm queue kept in a JSON file, written atomically.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { atomicWrite } from '../cache/file-backend.ts'
import type { QueueStorage } from '../queue/index.ts'

/**
 * Queue storage in the file at `path`.
 *
 * @example
 * fileQueueStorage(join(platformCacheDir(), 'warm-queue.json'))
 */
export function fileQueueStorage(path: string): QueueStorage {
  return {
    async load() {
      try {
        return await readFile(path, 'utf8')
      } catch {
        return null
      }
    },
    async save(value) {
      await mkdir(dirname(path), { recursive: true })
      await atomicWrite(path, value)
    },
  }
}
