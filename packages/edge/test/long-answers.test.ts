import { waitOnExecutionContext } from 'cloudflare:test'
import { concatBytes } from '@tts/core/bytes'
import { afterEach, describe, expect, it } from 'vitest'
import {
  emulatorFetch,
  keys,
  openStream,
  readToEnd,
  sentence,
  speak,
  synthesesOf,
  upstreamUrl,
} from './helpers.ts'
import { eventually, poolEnv, releasePools } from './pool-helpers.ts'

// A first sentence long enough to arrive in many chunks, so a caller that reads one chunk is
// still inside it.
const LONG = 'The quick brown fox jumps over the lazy dog and then runs all the way to the river'

/** A streamed PCM answer whose body the test reads at its own pace. */
async function open(input: string, env: Partial<Env> = {}) {
  const stream = await openStream({ input, response_format: 'pcm' }, { env })
  expect(stream.res.status).toBe(200)
  return stream
}

const total = async (text: string) => (await synthesesOf(text)).total

/** Each sentence alone, as PCM (their segments are cached: no new synthesis). */
async function alone(parts: string[], env: Partial<Env> = {}): Promise<Uint8Array> {
  const bodies: Uint8Array[] = []
  for (const part of parts) {
    const a = await speak({ input: part, response_format: 'pcm' }, { key: keys.speech, env })
    expect(a.status).toBe(200)
    bodies.push(a.body)
  }
  return concatBytes(bodies)
}

/** The shared emulator's latency model (restored to none after the test that sets it). */
async function latency(model: { ttfbMs: number; rtf: number }): Promise<void> {
  const res = await emulatorFetch(`${upstreamUrl()}/__config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(model),
  })
  if (!res.ok) throw new Error(`setting the emulator latency failed: ${res.status}`)
  await res.body?.cancel()
}

afterEach(async () => {
  await latency({ ttfbMs: 0, rtf: 0 })
  await releasePools()
})

describe('long answers run ahead of the caller', () => {
  it('asks for the next sentence before the caller took the current one, one ahead at most, in order', async () => {
    const parts = [sentence(LONG), sentence('Second of three'), sentence('And the third')]
    const { ctx, reader } = await open(parts.join(' '))
    const first = await reader.read()
    expect(first.done).toBe(false)
    // The caller holds still inside sentence 1; sentence 2 is synthesized all the same …
    await eventually(async () => (await total(parts[1] as string)) === 1, 20_000, 'sentence 2')
    // … but not sentence 3: the edge holds at most the sentence playing and one ahead.
    expect(await total(parts[2] as string)).toBe(0)

    const streamed = await readToEnd(reader, [first.value as Uint8Array])
    await waitOnExecutionContext(ctx)
    expect(await Promise.all(parts.map(total))).toEqual([1, 1, 1])
    // Every sentence is its own segment, and the stream is exactly them, in order.
    expect(streamed).toEqual(await alone(parts))
    expect(await Promise.all(parts.map(total))).toEqual([1, 1, 1])
  })

  it('a cached sentence in the middle is served from its segment while the next is asked for', async () => {
    const middle = sentence('Heard before')
    await speak({ input: middle, response_format: 'pcm' }, { key: keys.speech })
    const parts = [sentence(LONG), middle, sentence('The new last one')]
    const { ctx, reader } = await open(parts.join(' '))
    const streamed = await readToEnd(reader, [])
    await waitOnExecutionContext(ctx)
    expect(await Promise.all(parts.map(total))).toEqual([1, 1, 1])
    expect(streamed).toEqual(await alone(parts))
  })

  it('a caller who leaves mid-answer stops the pipeline and leaves only whole entries', async () => {
    const parts = [sentence(LONG), sentence('Never heard'), sentence('Nor this one')]
    const input = parts.join(' ')
    const { ctx, reader } = await open(input)
    const first = await reader.read()
    expect(first.done).toBe(false)
    await reader.cancel()
    await waitOnExecutionContext(ctx)
    // The third sentence was never asked for, and no whole answer was stored.
    expect(await total(parts[2] as string)).toBe(0)
    const again = await speak({ input, response_format: 'pcm' }, { key: keys.speech })
    expect(again.headers.get('x-tts-cache')).toBe('MISS')
    // What was cached is whole: the answer made from it is each sentence's audio, in order.
    expect(again.body).toEqual(await alone(parts))
    // Each synthesized once: what the upstream worked on when the caller left was finished and
    // cached (not cut, not asked again); what was not begun yet was asked by the next caller.
    expect(await Promise.all(parts.map(total))).toEqual([1, 1, 1])
  })

  it('a sentence nearly heard when its caller leaves is finished and cached whole, not asked again', async () => {
    const cut = sentence(LONG)
    // The same sentence for another tenant (no shared cache): its whole length.
    const theirs = await speak({ input: cut, response_format: 'pcm' }, { key: keys.other })
    expect(theirs.status).toBe(200)
    // Streamed at half real time, the caller leaves with most of the sentence heard: had the
    // read been cut there, it would be late enough to pass for plausible audio of the text.
    await latency({ ttfbMs: 0, rtf: 0.5 })
    const { ctx, reader } = await open(`${cut} ${sentence('Never heard')}`)
    let heard = 0
    while (heard < theirs.body.byteLength * 0.85) {
      const next = await reader.read()
      if (next.done) break
      heard += next.value.byteLength
    }
    expect(heard).toBeLessThan(theirs.body.byteLength)
    await reader.cancel()
    await waitOnExecutionContext(ctx)
    await latency({ ttfbMs: 0, rtf: 0 })
    const mine = await speak({ input: cut, response_format: 'pcm' }, { key: keys.speech })
    expect(mine.status).toBe(200)
    expect(mine.body.byteLength).toBe(theirs.body.byteLength)
    // Theirs and the one the caller left: read to its end and cached whole, so mine is the
    // cached segment, as long as theirs.
    expect(await total(cut)).toBe(2)
  })

  it('a next sentence the full gate turns away is asked again once the one before has arrived', async () => {
    // The GPU paced at 0.3 × real time: the long first sentence holds the one slot for a second
    // or more, and a gate that lets no one wait refuses the early ask of the second.
    await latency({ ttfbMs: 0, rtf: 0.3 })
    const pool = poolEnv([{ url: upstreamUrl() }], { maxWaitMs: 0 })
    const parts = [sentence(LONG), sentence('Turned away first'), sentence('Then the end')]
    const { ctx, reader } = await open(parts.join(' '), pool)
    const streamed = await readToEnd(reader, [])
    await waitOnExecutionContext(ctx)
    expect(await Promise.all(parts.map(total))).toEqual([1, 1, 1])
    expect(streamed).toEqual(await alone(parts, pool))
  })
})
