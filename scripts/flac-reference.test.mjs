/**
 * @module scripts/flac-reference.test — the edge's own FLAC encoder checked by the reference
 * decoder (`flac`, from xiph.org's FLAC tools): `flac -t` accepts the files and `flac -d`
 * gives back exactly the samples encoded. Runs in Node (workerd cannot start a process); the
 * encoder is plain TypeScript over Web APIs, so it is imported as the worker uses it. The
 * always-running round trip lives beside the encoder (packages/edge/src/encode/flac.test.ts).
 */

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createFlacEncoder } from '../packages/edge/src/encode/flac.ts'
import { speechLike } from '../packages/edge/src/encode/speech-like.ts'

const flac = spawnSync('flac', ['--version'], { encoding: 'utf8' })
const skip = flac.error
  ? 'the reference `flac` binary is not installed (apt-get install flac)'
  : false

function encode(pcm, channels, pieces) {
  const enc = createFlacEncoder({ sampleRate: 24000, channels })
  const parts = []
  const step = Math.ceil(pcm.length / channels / pieces) * channels
  for (let at = 0; at < pcm.length; at += step) parts.push(enc.push(pcm.subarray(at, at + step)))
  parts.push(enc.end())
  return Buffer.concat(parts)
}

/** The samples of a 16-bit PCM WAV as `flac -d` writes it. */
function wavSamples(bytes) {
  let at = 12
  while (at < bytes.length) {
    const id = bytes.toString('ascii', at, at + 4)
    const size = bytes.readUInt32LE(at + 4)
    if (id === 'data') {
      const body = bytes.subarray(at + 8, at + 8 + size)
      return Int16Array.from({ length: body.length / 2 }, (_, i) => body.readInt16LE(i * 2))
    }
    at += 8 + size + (size % 2)
  }
  throw new Error('no data chunk')
}

const noise = (n, seed) => {
  let s = seed
  return Int16Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0
    return (s >>> 16) - 32768
  })
}

const stereo = (() => {
  const l = speechLike(1.5, 24000, 31)
  const r = noise(l.length, 9)
  const out = new Int16Array(l.length * 2)
  l.forEach((v, i) => {
    out[2 * i] = v
    out[2 * i + 1] = r[i]
  })
  return out
})()

const cases = [
  ['speech, streamed in odd pieces', speechLike(4, 24000, 30), 1, 13],
  ['silence with a one-sample tail', new Int16Array(4097), 1, 1],
  ['full-scale noise (verbatim frames)', noise(10_000, 5), 1, 3],
  ['stereo', stereo, 2, 4],
]

for (const [name, pcm, channels, pieces] of cases) {
  test(`flac -t accepts and flac -d round-trips: ${name}`, { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tts-flac-'))
    try {
      const file = join(dir, 'a.flac')
      writeFileSync(file, encode(pcm, channels, pieces))
      const check = spawnSync('flac', ['-t', '-s', file], { encoding: 'utf8' })
      assert.equal(check.status, 0, check.stderr)
      const out = join(dir, 'a.wav')
      const dec = spawnSync('flac', ['-d', '-s', '-f', '-o', out, file], { encoding: 'utf8' })
      assert.equal(dec.status, 0, dec.stderr)
      assert.deepEqual(wavSamples(readFileSync(out)), pcm)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}
