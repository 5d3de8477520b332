import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fileCache } from '../node/file-cache.ts'
import { fileBackend } from './file-backend.ts'
import type { CachedAudio } from './index.ts'

const key = (n: number) => n.toString(16).padStart(64, '0')
const audio = (fill: number): CachedAudio => ({
  audio: new Uint8Array(2000).fill(fill),
  mimeType: 'audio/wav',
  format: 'wav',
  language: 'ar',
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tts-client-cache-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('file cache', () => {
  it('writes one sealed file per key and an owner-only key file', async () => {
    const cache = fileCache({ dir })
    await cache.set(key(1), audio(5))
    expect(await readdir(join(dir, 'entries'))).toEqual([`${key(1)}.bin`])
    const keyStat = await stat(join(dir, 'key'))
    expect(keyStat.mode & 0o777).toBe(0o600)
    expect(keyStat.size).toBe(32)
    const onDisk = await readFile(join(dir, 'entries', `${key(1)}.bin`))
    expect(onDisk.includes(Buffer.from(new Uint8Array(100).fill(5)))).toBe(false)
    expect(await cache.get(key(1))).toEqual(audio(5))
  })

  it('survives a restart: a new instance over the same directory hits', async () => {
    await fileCache({ dir }).set(key(1), audio(1))
    expect(await fileCache({ dir }).get(key(1))).toEqual(audio(1))
  })

  it('rebuilds a damaged index from the files', async () => {
    let t = 1_000_000
    const now = () => t
    const first = fileCache({ dir, now, maxBytes: 10_000 })
    await first.set(key(1), audio(1))
    t += 1000
    await first.set(key(2), audio(2))
    await writeFile(join(dir, 'index.json'), '{"version":1,"entr') // a crash mid-write of some old version
    const second = fileCache({ dir, now })
    expect((await second.stats()).entries).toBe(2)
    expect(await second.get(key(2))).toEqual(audio(2))
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'))
    expect(Object.keys(index.entries).sort()).toEqual([key(1), key(2)])
  })

  it('adopts an entry whose index write was lost, and drops index rows whose file is gone', async () => {
    await fileCache({ dir }).set(key(1), audio(1))
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'))
    await rm(join(dir, 'entries', `${key(1)}.bin`))
    await fileCache({ dir }).set(key(2), audio(2))
    await writeFile(join(dir, 'index.json'), JSON.stringify(index)) // knows 1, not 2
    const cache = fileCache({ dir })
    expect(await cache.get(key(1))).toBeNull()
    expect(await cache.get(key(2))).toEqual(audio(2))
  })

  it('removes temp files a crashed writer left behind, once they are stale', async () => {
    const entries = join(dir, 'entries')
    await fileCache({ dir }).set(key(1), audio(1))
    const stale = join(entries, `${key(3)}.bin.abc.tmp`)
    const fresh = join(entries, `${key(4)}.bin.def.tmp`)
    await writeFile(stale, 'partial')
    await writeFile(fresh, 'partial')
    const old = new Date(Date.now() - 10 * 60_000)
    await utimes(stale, old, old)
    await fileBackend({ dir }).list()
    expect((await readdir(entries)).sort()).toEqual([`${key(1)}.bin`, `${key(4)}.bin.def.tmp`])
  })

  it('drops a truncated or foreign file as a miss and deletes it', async () => {
    const cache = fileCache({ dir })
    await cache.set(key(1), audio(1))
    const path = join(dir, 'entries', `${key(1)}.bin`)
    const bytes = await readFile(path)
    await writeFile(path, bytes.subarray(0, bytes.length - 100))
    expect(await fileCache({ dir }).get(key(1))).toBeNull()
    expect(await readdir(join(dir, 'entries'))).toEqual([])
  })

  it('replaces a damaged key file; what it sealed becomes a miss', async () => {
    await fileCache({ dir }).set(key(1), audio(1))
    await writeFile(join(dir, 'key'), 'short')
    const cache = fileCache({ dir })
    expect(await cache.get(key(1))).toBeNull()
    await cache.set(key(2), audio(2))
    expect(await fileCache({ dir }).get(key(2))).toEqual(audio(2))
  })
})
