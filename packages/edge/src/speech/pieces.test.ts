import { describe, expect, it, vi } from 'vitest'
import type { CacheLookup } from '../cache/store.ts'
import type { SynthesisRequest, SynthesisResult } from '../upstream/index.ts'
import type { SpeechContext } from './context.ts'
import { newTally, type SpeechPlan, speechPieces } from './pieces.ts'
import type { PreparedSpeech } from './prepare.ts'

/**
 * The pieces loop over a cache whose lookups the test releases by hand, and an upstream that
 * records what it is asked for: it answers the first sentence (once the test calls `answer`)
 * with one chunk of audio and then nothing more, the others with nothing at all, until aborted
 * (only the order matters here).
 */
function harness(mayRefuse: boolean, sentences: number) {
  const asked: string[] = []
  const held: Array<() => void> = []
  let answer = () => {}
  const answered = new Promise<void>((resolve) => {
    answer = resolve
  })
  const plan: SpeechPlan = {
    tempo: { sourceSpeed: 1, edge: { speed: 1, pitch: 1 } },
    segments: Array.from({ length: sentences }, (_, i) => ({
      sentence: `Sentence ${i} ${crypto.randomUUID()}.`,
      key: `key-${i}-${crypto.randomUUID()}`,
    })),
  }
  const first = plan.segments[0]?.key
  const ctx = {
    cache: {
      // The first sentence's lookup misses at once; the others only when the test says so.
      get: (key: string): Promise<CacheLookup> =>
        key === first
          ? Promise.resolve({ miss: 'absent' })
          : new Promise((resolve) => held.push(() => resolve({ miss: 'absent' }))),
      put: async () => {},
      delete: async () => {},
    },
    meter: { charge: vi.fn(async () => undefined), mayRefuse },
    synthesizer: {
      synthesize: (
        request: SynthesisRequest,
        { signal }: { signal: AbortSignal },
      ): Promise<SynthesisResult> => {
        asked.push(request.text)
        const aborted = new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        )
        if (request.text !== plan.segments[0]?.sentence) return aborted
        return answered.then(() => ({
          sampleRate: 24_000,
          channels: 1,
          upstream: 'test',
          chunks: (async function* () {
            yield new Int16Array(240)
            await aborted
          })(),
        }))
      },
    },
    settings: { cacheTtlMs: 60_000 },
    waitUntil: () => {},
  } as unknown as SpeechContext
  const prepared = {
    language: 'en',
    voice: { kind: 'speaker', name: 'alloy' },
    stream: true,
    speed: 1,
  } as unknown as PreparedSpeech
  const abort = new AbortController()
  const pieces = speechPieces(ctx, prepared, plan, newTally(), abort.signal, [])
  const release = () => {
    for (const go of held.splice(0)) go()
  }
  // The loop ends with the abort's error once the test is done with it.
  let latest: Promise<unknown> = Promise.resolve()
  /** Asks the loop for its next chunk (the first is asked for at once). */
  const pull = () => {
    const next = pieces.next()
    next.catch(() => {})
    latest = next
    return next
  }
  pull()
  const end = async () => {
    abort.abort(new DOMException('the test is done', 'AbortError'))
    answer()
    release()
    await latest.catch(() => {})
  }
  return { asked, held, plan, ctx, release, end, answer, first: () => latest }
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('speechPieces: the first sentence of a miss', () => {
  it('is asked for as soon as its own lookup missed when charging cannot refuse, and the others are looked up once its audio flows', async () => {
    const h = harness(false, 6)
    await vi.waitFor(() => expect(h.asked).toEqual([h.plan.segments[0]?.sentence]))
    // The ask waited for no other lookup, and none has started while its audio is awaited:
    // they would queue beside it on the way to the cache.
    await ticks()
    expect(h.held).toHaveLength(0)
    h.answer()
    const chunk = (await h.first()) as IteratorResult<{ pcm: Int16Array }>
    expect(chunk.value?.pcm).toHaveLength(240)
    // Its audio flows: the others are looked up, whether or not the caller reads on.
    await vi.waitFor(() => expect(h.held).toHaveLength(5))
    expect(h.ctx.meter.charge).not.toHaveBeenCalled()
    h.release()
    // Charged once all lookups are in, the first sentence included.
    await vi.waitFor(() => expect(h.ctx.meter.charge).toHaveBeenCalledTimes(1))
    const chars = h.plan.segments.reduce((n, s) => n + s.sentence.length, 0)
    expect(h.ctx.meter.charge).toHaveBeenCalledWith(chars)
    await h.end()
  })

  it('waits for every lookup and the charge when the charge may be refused', async () => {
    const h = harness(true, 6)
    await vi.waitFor(() => expect(h.held).toHaveLength(5))
    await ticks()
    expect(h.asked).toEqual([])
    expect(h.ctx.meter.charge).not.toHaveBeenCalled()
    h.release()
    h.answer()
    await vi.waitFor(() => expect(h.asked[0]).toBe(h.plan.segments[0]?.sentence))
    expect(h.ctx.meter.charge).toHaveBeenCalledTimes(1)
    await h.end()
  })
})
