import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { type Handler, tinyWav } from '../../test/http-server.ts'
import { testClient } from '../../test/test-client.ts'
import { deadlineFor } from '../edge/stream.ts'
import { isAbortedError, isStreamInterruptedError } from '../errors/index.ts'
import type { TtsClientOptions } from '../options/index.ts'

// A scripted HTTP server stands in for the edge: this unit test is about the client's timing
// and failure rules; the real edge and emulator are in test/*.integration.test.ts.

/** Writes `wav` as the edge streams it: "until the end" sizes, then `parts` chunks `gapMs` apart. */
async function streamWav(
  res: ServerResponse,
  wav: Uint8Array,
  o: { parts: number; gapMs: number; cutAfterPart?: number; until?: Promise<void> },
) {
  const body = Uint8Array.from(wav)
  const v = new DataView(body.buffer)
  v.setUint32(4, 0xffffffff, true)
  v.setUint32(40, 0xffffffff, true)
  res.writeHead(200, { 'content-type': 'audio/wav', 'x-tts-cache': 'MISS', 'x-tts-language': 'en' })
  const size = Math.ceil((body.byteLength - 44) / o.parts / 2) * 2
  res.write(body.subarray(0, 44 + size))
  for (let at = 44 + size, part = 1; at < body.byteLength; at += size, part++) {
    if (o.cutAfterPart === part) return void res.destroy()
    if (part === 1 && o.until) await o.until
    await new Promise((r) => setTimeout(r, o.gapMs))
    res.write(body.subarray(at, at + size))
  }
  res.end()
}

/** A client over `handler` whose first audio byte must come within `timeoutMs`. */
const setup = (handler: Handler, timeoutMs: number, extra: Partial<TtsClientOptions> = {}) =>
  testClient(handler, { timeoutMs, ...extra })

const text = () => `Streaming test ${crypto.randomUUID()}.`

describe('streamed answers', () => {
  it('bounds the first byte by timeoutMs, not the whole answer', async () => {
    const wav = tinyWav(2000)
    const { client, calls } = await setup(
      (_, res) => streamWav(res, wav, { parts: 8, gapMs: 150 }),
      400,
    )
    const started = performance.now()
    const r = await client.synthesize(text(), { language: 'en' })
    expect(performance.now() - started).toBeGreaterThan(400 * 2) // longer than the timeout
    expect(r.provider).toBe('edge')
    expect(r.audio.byteLength).toBe(wav.byteLength)
    // The streamed header's placeholder sizes are replaced by the real ones.
    expect(new DataView(r.audio.buffer).getUint32(40, true)).toBe(wav.byteLength - 44)
    expect(calls).toEqual([])
  })

  it('falls back to the local engine when no audio byte arrives within timeoutMs', async () => {
    const { client, calls, fallbacks } = await setup(async (_, res) => {
      await new Promise((r) => setTimeout(r, 1500))
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(Buffer.from(tinyWav()))
    }, 300)
    const t = text()
    const r = await client.synthesize(t, { language: 'en' })
    expect(r.provider).toBe('local')
    expect(fallbacks.map((e) => e.reason)).toEqual(['timeout'])
    expect(calls.map((c) => c.text)).toEqual([t])
  })

  it('fails a stream cut after its first bytes with StreamInterruptedError and caches nothing', async () => {
    const wav = tinyWav(1000)
    const { client, calls, cache, speech } = await setup(
      (_, res) => streamWav(res, wav, { parts: 6, gapMs: 10, cutAfterPart: 3 }),
      2000,
    )
    const t = text()
    const error = await client.synthesize(t, { language: 'en' }).catch((e: unknown) => e)
    expect(isStreamInterruptedError(error)).toBe(true)
    expect((error as { receivedBytes: number }).receivedBytes).toBeGreaterThan(44)
    expect(calls).toEqual([]) // the documented choice: a typed error, no local re-speaking
    expect((await cache.stats()).entries).toBe(0)
    // Not cached: the same text goes to the edge again.
    await client.synthesize(t, { language: 'en' }).catch(() => {})
    expect(speech()).toHaveLength(2)
  })

  it('stream() hands over the body at the first bytes and caches it once read whole', async () => {
    const wav = tinyWav(600)
    let release = () => {}
    const until = new Promise<void>((r) => {
      release = r
    })
    const { client, server } = await setup(
      (_, res) => streamWav(res, wav, { parts: 4, gapMs: 5, until }),
      2000,
    )
    const t = text()
    const s = await client.stream(t, { language: 'en' })
    expect(s).toMatchObject({ provider: 'edge', mimeType: 'audio/wav', language: 'en' })
    const reader = s.body.getReader()
    const first = await reader.read()
    expect(first.value?.byteLength).toBeLessThan(wav.byteLength) // the rest is still held back
    release()
    let total = first.value?.byteLength ?? 0
    for (let r = await reader.read(); !r.done; r = await reader.read()) total += r.value.byteLength
    expect(total).toBe(wav.byteLength)
    const again = await client.stream(t, { language: 'en' })
    expect(again.provider).toBe('cache')
    expect(server.requests).toHaveLength(1)
  })

  it('lets stop() reach a handed-over stream, and does not count it as an edge failure', async () => {
    const wav = tinyWav(1000)
    const { client } = await setup(
      (_, res) => streamWav(res, wav, { parts: 8, gapMs: 100 }),
      2000,
      { breaker: { threshold: 1 } },
    )
    for (let i = 0; i < 2; i++) {
      const s = await client.stream(text(), { language: 'en' })
      const reader = s.body.getReader()
      await reader.read()
      client.stop()
      const error = await (async () => {
        for (;;) if ((await reader.read()).done) return 'ended'
      })().catch((e: unknown) => e)
      expect(isAbortedError(error)).toBe(true)
    }
    expect(client.breaker.state).toBe('closed') // threshold 1: one counted failure would open it
  })

  it('gives long texts a deadline that grows with their length', () => {
    expect(deadlineFor(3000, 'x'.repeat(2000))).toBe(203_000)
    expect(deadlineFor(3000, 'x')).toBeGreaterThan(3000)
  })
})
