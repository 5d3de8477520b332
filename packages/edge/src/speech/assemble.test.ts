import { concatSamples, parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { mp3Frames, oggOpusPages } from '../../test/audio-check.ts'
import type { CacheLookup, EntryMeta } from '../cache/store.ts'
import { encodeAudio } from '../encode/index.ts'
import { speechLike } from '../encode/speech-like.ts'
import { pcmBytes } from '../upstream/pcm.ts'
import { assembleAnswer } from './assemble.ts'

const RATE = 24_000

function segmentMeta(durationMs: number, over: Partial<EntryMeta> = {}): EntryMeta {
  return {
    kind: 'segment',
    format: 'pcm',
    language: 'en',
    sampleRate: RATE,
    durationMs,
    size: 0,
    created: 1,
    expires: 2,
    lastUsed: 1,
    etag: 'x',
    upstream: 'test',
    ...over,
  }
}

/** A fake of the cache's read side that counts reads and what they handed out. */
function fakeCache(entries: Record<string, CacheLookup>) {
  const reads: string[] = []
  return {
    reads,
    async get(key: string): Promise<CacheLookup> {
      reads.push(key)
      return entries[key] ?? { miss: 'absent' }
    },
  }
}

const sentences = [speechLike(0.8, RATE, 1), speechLike(1.3, RATE, 2), speechLike(0.5, RATE, 3)]
const stored = (over: Partial<EntryMeta>[] = []) =>
  Object.fromEntries(
    sentences.map((pcm, i) => [
      `k${i}`,
      {
        bytes: pcmBytes(pcm),
        meta: segmentMeta((pcm.length / RATE) * 1000, over[i] ?? {}),
        layer: 'r2' as const,
      },
    ]),
  )
const keys = sentences.map((_, i) => `k${i}`)
const totalMs = sentences.reduce((ms, pcm) => ms + (pcm.length / RATE) * 1000, 0)

describe('assembleAnswer', () => {
  it('wav: the same file a whole encoding makes, exact sizes in the header', async () => {
    const cache = fakeCache(stored())
    const whole = await assembleAnswer(cache, keys, 'wav')
    const expected = await encodeAudio(concatSamples(sentences), {
      sampleRate: RATE,
      channels: 1,
      format: 'wav',
    })
    expect(whole?.bytes).toEqual(expected)
    expect(parseWav(whole?.bytes as Uint8Array).durationMs).toBeCloseTo(totalMs, 0)
    expect(whole?.durationMs).toBeCloseTo(totalMs, 6)
    expect(cache.reads).toEqual(keys)
  })

  it('pcm: the segments in order', async () => {
    const whole = await assembleAnswer(fakeCache(stored()), keys, 'pcm')
    expect(whole?.bytes).toEqual(pcmBytes(concatSamples(sentences)))
  })

  it('mp3 and opus: one valid file over all segments', async () => {
    const mp3 = await assembleAnswer(fakeCache(stored()), keys, 'mp3')
    const { frames, sampleRate } = mp3Frames(mp3?.bytes as Uint8Array)
    expect(sampleRate).toBe(RATE)
    // MPEG-2 Layer III: 576 samples a frame; the encoder adds at most a few frames of delay.
    expect(frames).toBeGreaterThanOrEqual(Math.floor((totalMs * RATE) / 1000 / 576))
    const opus = await assembleAnswer(fakeCache(stored()), keys, 'opus')
    const pages = oggOpusPages(opus?.bytes as Uint8Array)
    expect(pages.opus).toBe(true)
    expect(pages.eos).toBe(true)
  })

  it('stores nothing when a segment is absent, expired, not a segment or at another rate', async () => {
    const absent = stored()
    delete absent.k1
    expect(await assembleAnswer(fakeCache(absent), keys, 'wav')).toBeUndefined()
    const expired = { ...stored(), k2: { miss: 'expired' as const } }
    expect(await assembleAnswer(fakeCache(expired), keys, 'mp3')).toBeUndefined()
    const response = stored([{}, { kind: 'response' }])
    expect(await assembleAnswer(fakeCache(response), keys, 'pcm')).toBeUndefined()
    const rates = stored([{}, {}, { sampleRate: 22_050 }])
    expect(await assembleAnswer(fakeCache(rates), keys, 'opus')).toBeUndefined()
    expect(await assembleAnswer(fakeCache({}), [], 'wav')).toBeUndefined()
  })

  it('stops reading at the first missing segment', async () => {
    const cache = fakeCache({ ...stored(), k0: { miss: 'corrupt' } })
    expect(await assembleAnswer(cache, keys, 'mp3')).toBeUndefined()
    expect(cache.reads).toEqual(['k0'])
  })
})
