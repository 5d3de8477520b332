import { wavHeader } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { readWavStream } from './wav-stream.ts'

function streamOf(...parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p)
      controller.close()
    },
  })
}

function floatWav(samples: number[], sampleRate = 24_000): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 4)
  const v = new DataView(out.buffer)
  const tag = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i))
  }
  tag(0, 'RIFF')
  v.setUint32(4, 0xffffffff, true)
  tag(8, 'WAVE')
  tag(12, 'fmt ')
  v.setUint32(16, 16, true)
  v.setUint16(20, 3, true)
  v.setUint16(22, 1, true)
  v.setUint32(24, sampleRate, true)
  v.setUint32(28, sampleRate * 4, true)
  v.setUint16(32, 4, true)
  v.setUint16(34, 32, true)
  tag(36, 'data')
  v.setUint32(40, 0xffffffff, true)
  for (const [i, s] of samples.entries()) v.setFloat32(44 + i * 4, s, true)
  return out
}

async function all(chunks: AsyncIterable<Int16Array>): Promise<number[]> {
  const out: number[] = []
  for await (const c of chunks) out.push(...c)
  return out
}

describe('readWavStream', () => {
  it('reads a streamed header with zero sizes, split anywhere, and keeps odd bytes for the next chunk', async () => {
    const header = wavHeader({ sampleRate: 24_000, channels: 1 })
    const pcm = new Uint8Array(new Int16Array([1, -2, 300, -400]).buffer)
    const body = new Uint8Array([...header, ...pcm])
    const wav = await readWavStream(
      streamOf(body.subarray(0, 10), body.subarray(10, 47), body.subarray(47)),
    )
    expect(wav.sampleRate).toBe(24_000)
    expect(await all(wav.chunks)).toEqual([1, -2, 300, -400])
  })

  it('converts 32-bit float WAV with 0xFFFFFFFF sizes to 16-bit', async () => {
    const wav = await readWavStream(streamOf(floatWav([0, 0.5, -1, 2])))
    // Core's conversion rounds (0.5 × 32767 = 16383.5 → 16384) and clips at both ends.
    expect(await all(wav.chunks)).toEqual([0, 16384, -32768, 32767])
  })

  it('stops at a declared data size and rejects a body that ends before it', async () => {
    const header = wavHeader({ sampleRate: 16_000, channels: 1, dataBytes: 4 })
    const done = await readWavStream(streamOf(header, new Uint8Array([1, 0, 2, 0, 9, 9])))
    expect(await all(done.chunks)).toEqual([1, 2])
    const short = await readWavStream(streamOf(header, new Uint8Array([1, 0])))
    await expect(all(short.chunks)).rejects.toMatchObject({ code: 'upstream_truncated' })
  })

  it('rejects a body that ends mid-sample', async () => {
    const wav = await readWavStream(
      streamOf(wavHeader({ sampleRate: 24_000, channels: 1 }), new Uint8Array([1, 0, 2])),
    )
    await expect(all(wav.chunks)).rejects.toMatchObject({ code: 'upstream_truncated' })
  })

  it('rejects what is not WAV: JSON errors, empty bodies, a cut header', async () => {
    const json = new TextEncoder().encode('{"detail":"CUDA out of memory"}')
    await expect(readWavStream(streamOf(json))).rejects.toMatchObject({
      code: 'upstream_invalid_audio',
    })
    await expect(readWavStream(streamOf())).rejects.toMatchObject({
      code: 'upstream_invalid_audio',
    })
    const header = wavHeader({ sampleRate: 24_000, channels: 1 })
    await expect(readWavStream(streamOf(header.subarray(0, 30)))).rejects.toMatchObject({
      code: 'upstream_invalid_audio',
    })
  })
})
