/**
 * The pooled synthesizer's audio stream when its reader is told to stop: it must end in the
 * abort's error, never as a clean end, or the sentence read so far would pass for whole
 * audio (runahead.ts caches a sentence whose read ended cleanly).
 */
import { describe, expect, it } from 'vitest'
import type { PoolAudio } from '../pool/index.ts'
import type { PoolClient } from './index.ts'
import { createPooledSynthesizer } from './synthesizer.ts'

/** A pool whose one synthesis sends `first` and then nothing until the reader cancels. */
function stalledPool(first: Uint8Array): PoolClient {
  const audio: PoolAudio = {
    ok: true,
    coalesced: false,
    sampleRate: 24_000,
    channels: 1,
    upstream: 'gpu-1',
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(first)
      },
    }),
  } as PoolAudio
  return {
    settings: { config: { model: 'xtts-v2' } },
    synthesize: async () => audio,
  } as unknown as PoolClient
}

const request = {
  text: `Hello ${crypto.randomUUID()}.`,
  language: 'en',
  voice: { kind: 'speaker' as const, name: 'Ana Florence' },
  speed: 1,
  stream: true,
}

describe('the pooled synthesizer, read while its signal aborts', () => {
  it('ends the chunks with the abort reason, not a clean end, when aborted mid-read', async () => {
    const stop = new AbortController()
    const synth = createPooledSynthesizer(stalledPool(new Uint8Array(960)), 'tenant-a')
    const result = await synth.synthesize(request, { signal: stop.signal, key: 'k' })
    const read: number[] = []
    const reading = (async () => {
      for await (const pcm of result.chunks) {
        read.push(pcm.length)
        // The first chunk arrived; the rest never will: the caller leaves now.
        stop.abort(new DOMException('the answer ended', 'AbortError'))
      }
    })()
    await expect(reading).rejects.toThrow('the answer ended')
    expect(read).toEqual([480])
  })

  it('ends cleanly when the audio ended before any abort', async () => {
    const stop = new AbortController()
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(4))
        controller.close()
      },
    })
    const pool = stalledPool(new Uint8Array(0))
    const synthesize = pool.synthesize
    pool.synthesize = async (...args) => ({ ...(await synthesize(...args)), body }) as PoolAudio
    const synth = createPooledSynthesizer(pool, 'tenant-a')
    const result = await synth.synthesize(request, { signal: stop.signal, key: 'k' })
    const read: number[] = []
    for await (const pcm of result.chunks) read.push(pcm.length)
    expect(read).toEqual([2])
  })
})
