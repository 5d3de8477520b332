/**
 * @module cache/index-scan — walks the KV index of cache entries (KV `list` returns each
 * entry's metadata, so no per-entry read is needed).
 */
import type { EntryMeta } from './store.ts'

/** One indexed entry. */
export interface IndexedEntry {
  key: string
  meta: EntryMeta
}

/**
 * Every indexed cache entry.
 *
 * @example
 * for await (const { key, meta } of scanIndex(env.INDEX)) total += meta.size
 */
export async function* scanIndex(kv: KVNamespace): AsyncGenerator<IndexedEntry> {
  let cursor: string | undefined
  do {
    const page: KVNamespaceListResult<EntryMeta> = await kv.list<EntryMeta>({
      prefix: 'cache:',
      ...(cursor ? { cursor } : {}),
    })
    for (const k of page.keys) {
      if (k.metadata) yield { key: k.name.slice('cache:'.length), meta: k.metadata }
    }
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
}
