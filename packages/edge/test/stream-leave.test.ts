/**
 * A streamed caller who leaves while the upstream synthesizes one of its sentences: as for a
 * whole file (test/pool-gate.test.ts), the sentence the upstream already computes is finished
 * and cached whole (its GPU time is spent), the sentence still waiting for the slot leaves the
 * queue, and the next caller of the same text gets the first from the cache, not the upstream.
 */
import { waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import type { PoolAudio, PoolFailure } from '../src/pool/index.ts'
import { openStream, readToEnd, sentence, synthesesOf } from './helpers.ts'
import { eventually, poolEmulators, releasePools } from './pool-helpers.ts'
import { restoreLatency, slowPool } from './slow-pool.ts'

afterEach(async () => {
  await restoreLatency()
  await releasePools()
})

/** The audio of a pool answer, read whole. */
async function audioOf(answer: PoolAudio | PoolFailure): Promise<Uint8Array> {
  if (!answer.ok) throw new Error(`the reference synthesis failed: ${answer.code}`)
  return new Uint8Array(await new Response(answer.body).arrayBuffer())
}

describe('a streamed caller who leaves mid-sentence', () => {
  it.each([
    ['audio', {}],
    ['sse', { stream_format: 'sse' }],
  ])(
    '(%s) the sentence being synthesized is cached whole; the queued one is dropped',
    async (_form, form) => {
      const [a] = await poolEmulators()
      // Half real time: the first sentence (~5 s of audio) takes seconds; the caller leaves inside.
      const { pool, ask, gate } = await slowPool(a, { ttfbMs: 0, rtf: 0.5 })
      const first = sentence('The quick brown fox jumps over the lazy dog and runs to the river')
      const second = sentence('Nobody waited for this one')
      // English named, as the reference syntheses below ask: detection might read a nonce's
      // made-up words as another language, whose voice speaks them at another length.
      const asked = { input: `${first} ${second}`, language: 'en', response_format: 'pcm' }
      const before = await a.synthesisRequests()
      const leaving = await openStream({ ...asked, ...form }, { env: pool })
      expect(leaving.res.status).toBe(200)
      expect((await leaving.reader.read()).done).toBe(false)
      // The upstream computes the first sentence; the second waits for the one slot.
      await eventually(
        async () => {
          const [g, stats] = await Promise.all([gate(), a.stats()])
          return g.inFlight === 1 && g.queued === 1 && stats.inFlight === 1
        },
        10_000,
        'the first sentence at the upstream, the second queued',
      )
      await leaving.reader.cancel()
      await waitOnExecutionContext(leaving.ctx)
      // The emulator counts a synthesis when it ends (whole or cut off).
      const once = async () => (await synthesesOf(first, a.url)).total === 1
      await eventually(once, 10_000, 'the first sentence to end at the upstream')

      // The next caller: the first sentence from the cache, only the second from the upstream.
      const again = await openStream(asked, { env: pool })
      expect(again.res.status).toBe(200)
      const heard = await readToEnd(again.reader)
      await waitOnExecutionContext(again.ctx)
      expect((await synthesesOf(first, a.url)).total).toBe(1)
      expect((await synthesesOf(second, a.url)).total).toBe(1)
      // Two syntheses in all: the queued second sentence never reached the upstream the first time.
      expect((await a.synthesisRequests()) - before).toBe(2)

      // Whole, never cut: as long as both sentences synthesized afresh (fresh keys, so neither
      // the cache nor a flight answers them). Within 2 %: the emulator's espeak-ng varies a
      // little from call to call (once 0.1 s in 8.5 s, in a full suite run). A segment cached
      // from the read the caller left, within the first second of ~5 s, would be far shorter.
      const fresh = async (text: string) => (await audioOf(await ask(text))).byteLength
      const whole = (await fresh(first)) + (await fresh(second))
      expect(Math.abs(heard.byteLength - whole)).toBeLessThanOrEqual(whole * 0.02)
    },
  )
})
