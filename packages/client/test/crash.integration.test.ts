/**
 * Crash safety of the Node file cache, for real: a child process writes entries until it is
 * SIGKILLed mid-stream; a new cache over the same directory must serve every entry it has
 * either exactly as written or not at all, and go on working.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { fileCache } from '../src/node.ts'

const key = (n: number) => n.toString(16).padStart(64, '0')
const expected = (i: number) => {
  const audio = new Uint8Array(150_000)
  for (let j = 0; j < audio.length; j++) audio[j] = (i * 31 + j) % 251
  return audio
}

let dir: string
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('file cache after a crash', () => {
  it('serves only whole entries after the writer is killed mid-write', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tts-client-crash-'))
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('./crash-writer.ts', import.meta.url)), dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let written = -1
    let err = ''
    child.stderr.on('data', (d) => {
      err += String(d)
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        const all = [...String(d).matchAll(/wrote (\d+)/g)]
        const last = all.at(-1)
        if (last) written = Number(last[1])
        if (written >= 15) resolve()
      })
      child.once('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)))
    })
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited

    const cache = fileCache({ dir })
    let hits = 0
    for (let i = 0; i <= written + 5; i++) {
      const got = await cache.get(key(i))
      if (got === null) continue
      hits++
      expect(got.audio).toEqual(expected(i))
    }
    // Every write the child reported finished must have survived.
    expect(hits).toBeGreaterThanOrEqual(written + 1)
    await cache.set(key(10_000), {
      audio: expected(1),
      mimeType: 'audio/wav',
      format: 'wav',
      language: 'en',
    })
    expect((await fileCache({ dir }).get(key(10_000)))?.audio).toEqual(expected(1))
  })
})
