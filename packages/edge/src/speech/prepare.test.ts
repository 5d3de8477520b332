import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { settingsOf } from '../settings/index.ts'
import type { SpeechContext } from './context.ts'
import { prepareSpeech, resetSpeakerMemo, SPEAKER_MEMO_TTL_MS } from './prepare.ts'

/** A context whose KV and upstream count what the speaker identity costs. */
function countingContext(upstreamUrl: string) {
  const counts = { kvGets: 0, identities: 0 }
  const kv = new Map<string, string>()
  const ctx = {
    env: {
      ...env,
      INDEX: {
        async get(key: string) {
          counts.kvGets++
          return kv.get(key) ?? null
        },
        async put(key: string, value: string) {
          kv.set(key, value)
        },
      },
    },
    settings: { ...settingsOf(env), upstreamUrl, voiceMap: {} },
    principal: { tenant: 't', scopes: ['speech'], keyId: 'k' },
    scope: 'tenant:t',
    generation: '0',
    synthesizer: {
      voiceIdentity: async () => {
        counts.identities++
        return `identity-of-${upstreamUrl}`
      },
    },
    waitUntil: (p: Promise<unknown>) => void p,
  } as unknown as SpeechContext
  return { ctx, counts, kv }
}

const input = {
  input: 'Hello there.',
  voice: 'alloy',
  language: 'en',
  format: 'mp3' as const,
  speed: 1,
  stream: false,
}

describe('speaker identity memo', () => {
  afterEach(() => resetSpeakerMemo())

  it('a warm isolate resolves a named speaker without KV or the upstream, until the TTL', async () => {
    let now = 5_000
    resetSpeakerMemo(() => now)
    const { ctx, counts, kv } = countingContext('http://127.0.0.1:1')
    const first = await prepareSpeech(ctx, input)
    expect(counts).toEqual({ kvGets: 1, identities: 1 })
    const second = await prepareSpeech(ctx, input)
    expect(second.key).toBe(first.key)
    expect(counts).toEqual({ kvGets: 1, identities: 1 })
    now += SPEAKER_MEMO_TTL_MS + 1
    await prepareSpeech(ctx, input)
    // Past the TTL the KV memo answers again (the upstream is not asked twice).
    expect(counts).toEqual({ kvGets: 2, identities: 1 })
    expect(kv.size).toBe(1)
  })

  it('keeps upstreams apart: the same name on another upstream is its own identity', async () => {
    const a = countingContext('http://127.0.0.1:1')
    const b = countingContext('http://127.0.0.1:2')
    const onA = await prepareSpeech(a.ctx, input)
    const onB = await prepareSpeech(b.ctx, input)
    expect(onB.voiceIdentity).not.toBe(onA.voiceIdentity)
    expect(onB.key).not.toBe(onA.key)
    expect(b.counts.identities).toBe(1)
  })
})
