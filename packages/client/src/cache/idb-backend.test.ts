// IndexedDB in Node through fake-indexeddb: the store's logic, quickly. The real browser path
// (a real IndexedDB and a non-extractable key in Chromium) is test/browser.integration.test.ts.
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { idbKeyRing, indexedDbCache, openCacheDb } from './idb-backend.ts'
import type { CachedAudio } from './index.ts'

const key = (n: number) => n.toString(16).padStart(64, '0')
const audio = (fill: number): CachedAudio => ({
  audio: new Uint8Array(1000).fill(fill),
  mimeType: 'audio/wav',
  format: 'wav',
  language: 'fr',
})

describe('IndexedDB cache', () => {
  it('round-trips, survives a reopen and keeps one non-extractable key', async () => {
    const factory = new IDBFactory()
    await indexedDbCache({ factory }).set(key(1), audio(3))
    const again = indexedDbCache({ factory })
    expect(await again.get(key(1))).toEqual(audio(3))
    const ring = await idbKeyRing(openCacheDb('tts-edge-cache', factory))
    expect(ring.ids).toEqual(['local'])
  })

  it('evicts past the cap and drops a tampered blob as a miss', async () => {
    const factory = new IDBFactory()
    let t = 1000
    const cache = indexedDbCache({ factory, maxBytes: 2500, now: () => t })
    for (const n of [1, 2, 3]) {
      await cache.set(key(n), audio(n))
      t += 10
    }
    expect(await cache.get(key(1))).toBeNull() // the oldest went
    const db = await openCacheDb('tts-edge-cache', factory)
    const tx = db.transaction('blobs', 'readwrite')
    const store = tx.objectStore('blobs')
    const blob = await new Promise<Uint8Array>((resolve) => {
      const r = store.get(key(3))
      r.onsuccess = () => resolve(r.result)
    })
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1
    store.put(blob, key(3))
    await new Promise((resolve) => {
      tx.oncomplete = resolve
    })
    expect(await cache.get(key(3))).toBeNull()
    expect(await cache.get(key(2))).toEqual(audio(2))
    expect(await cache.stats()).toMatchObject({ entries: 1, corrupt: 1, evictions: 1 })
  })
})
