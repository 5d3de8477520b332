import { describe, expect, it } from 'vitest'
import { oggOpusPages } from './audio-check.ts'
import { sentence, speak, synthesesOf } from './helpers.ts'

// A streamed answer's whole entry is built from its sentence segments after the stream ended.
describe('streamed answers in the cache', () => {
  it('the next identical request is a HIT with the same audio and its own ETag', async () => {
    const parts = [
      sentence('First of three'),
      sentence('Second one here'),
      sentence('And the last'),
    ]
    const input = parts.join(' ')
    const miss = await speak({ input, response_format: 'pcm', stream: true })
    expect(miss.headers.get('x-tts-cache')).toBe('MISS')
    const counts = () => Promise.all(parts.map(async (p) => (await synthesesOf(p)).total))
    expect(await counts()).toEqual([1, 1, 1])
    const hit = await speak({ input, response_format: 'pcm', stream: true })
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    expect(hit.body).toEqual(miss.body)
    expect(hit.headers.get('etag')).not.toBe(miss.headers.get('etag'))
    expect(await counts()).toEqual([1, 1, 1])
  })

  it('opus: the cached copy is one valid file, not the streamed bytes under their ETag', async () => {
    const input = `${sentence('Opus in parts')} ${sentence('Two sentences')}`
    const miss = await speak({ input, response_format: 'opus', stream: true })
    const hit = await speak({ input, response_format: 'opus' })
    expect(hit.headers.get('x-tts-cache')).toBe('HIT')
    const pages = oggOpusPages(hit.body)
    expect(pages.eos).toBe(true)
    expect(hit.headers.get('etag')).not.toBe(miss.headers.get('etag'))
    // The stored file was encoded anew from the segments, not kept from what was streamed: its
    // Ogg stream serial (random per encoding, bytes 14-17 of the first page) is not the stream's.
    const serial = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(14, true)
    expect(serial(hit.body)).not.toBe(serial(miss.body))
  })
})
