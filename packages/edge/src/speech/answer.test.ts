import { describe, expect, it, vi } from 'vitest'
import type { CacheLookup } from '../cache/store.ts'
import { answerSpeech } from './answer.ts'
import type { SpeechContext } from './context.ts'
import type { PreparedSpeech } from './prepare.ts'
import { segmentKey } from './prepare.ts'

/**
 * `answerSpeech` over a cache whose lookups the test answers by hand (recorded in order) and an
 * upstream that is never reached: what is looked up, and when, before anything is answered.
 */
function harness(o: { stream: boolean; held?: boolean }) {
  const id = crypto.randomUUID()
  const prepared = {
    text: `First ${id}. Second ${id}. Third ${id}.`,
    language: 'en',
    voice: { kind: 'speaker', name: 'alloy' },
    voiceIdentity: 'alloy',
    tenant: '*',
    generation: '0',
    format: 'wav',
    speed: 1,
    stream: o.stream,
    key: `answer-${id}`,
  } as unknown as PreparedSpeech
  const looked: Array<{ key: string; answer: (found: CacheLookup) => void }> = []
  const ctx = {
    cache: {
      get: (key: string) =>
        new Promise<CacheLookup>((answer) => {
          looked.push({ key, answer })
        }),
      holds: (key: string) => o.held === true && key === prepared.key,
      put: async () => {},
      delete: async () => {},
    },
    meter: { charge: vi.fn(async () => undefined), mayRefuse: false },
    synthesizer: {
      synthesize: () => new Promise(() => {}),
    },
    settings: { cacheTtlMs: 60_000, upstreamModel: 'xtts' },
    env: {},
    log: { warn: () => {} },
    waitUntil: () => {},
  } as unknown as SpeechContext
  const request = new Request('http://edge.test/v1/audio/speech', { method: 'POST' })
  const answering = answerSpeech(ctx, request, prepared)
  answering.catch(() => {})
  const firstKey = () => segmentKey(prepared, 'xtts', `First ${id}.`)
  return { prepared, looked, firstKey, answering }
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('answerSpeech: what a stream looks up before its first audio', () => {
  it("looks up a stream's first sentence beside the whole answer, not after it", async () => {
    const h = harness({ stream: true })
    // The whole answer's lookup is still unanswered, and the first sentence's is under way.
    await vi.waitFor(() => expect(h.looked).toHaveLength(2))
    expect(h.looked[0]?.key).toBe(h.prepared.key)
    expect(h.looked[1]?.key).toBe(await h.firstKey())
    h.looked[0]?.answer({ miss: 'absent' })
    h.looked[1]?.answer({ miss: 'absent' })
    // The miss uses that lookup: the first sentence is not looked up a second time.
    await ticks()
    expect(h.looked.filter((l) => l.key === h.looked[1]?.key)).toHaveLength(1)
  })

  it('looks up only the whole answer when the isolate holds it, or for a whole file', async () => {
    for (const o of [{ stream: true, held: true }, { stream: false }]) {
      const h = harness(o)
      await vi.waitFor(() => expect(h.looked).toHaveLength(1))
      await ticks()
      expect(h.looked.map((l) => l.key)).toEqual([h.prepared.key])
    }
  })
})
