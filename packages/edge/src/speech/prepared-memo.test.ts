import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { INITIAL_GENERATION } from '../cache/generation.ts'
import { settingsOf } from '../settings/index.ts'
import type { SpeechContext } from './context.ts'
import { resetSpeakerMemo } from './prepare.ts'
import { forgetPreparedRequests, prepareSpeechRemembered } from './prepared-memo.ts'
import { deleteVoice, saveVoice } from './voices-store.ts'

/** A context that counts what resolving the voice costs (KV reads, upstream identity calls). */
function countingContext(scope: string, settings = { ...settingsOf(env), voiceMap: {} }) {
  const counts = { kvGets: 0, identities: 0 }
  const ctx = {
    env: {
      ...env,
      INDEX: {
        async get(key: string, type?: string) {
          counts.kvGets++
          return env.INDEX.get(key, type as 'text')
        },
        async getWithMetadata(key: string, type?: string) {
          counts.kvGets++
          return env.INDEX.getWithMetadata(key, type as 'text')
        },
        async put() {},
      },
    },
    settings,
    principal: { tenant: scope, scopes: ['speech'], keyId: 'k' },
    scope,
    generation: INITIAL_GENERATION.id,
    synthesizer: {
      voiceIdentity: async () => {
        counts.identities++
        return 'identity'
      },
    },
    waitUntil: (p: Promise<unknown>) => void p,
  } as unknown as SpeechContext
  return { ctx, counts }
}

const request = (input: string, stream = false) => ({
  input,
  voice: `speaker-${crypto.randomUUID()}`,
  language: 'en',
  format: 'mp3' as const,
  speed: 1,
  stream,
})

describe('prepared requests remembered by the isolate', () => {
  afterEach(() => resetSpeakerMemo())

  it('prepares a repeated request once, with the caller’s own stream flag', async () => {
    const { ctx, counts } = countingContext(`tenant:${crypto.randomUUID()}`)
    const input = request(`Hello ${crypto.randomUUID()}.`)
    const first = await prepareSpeechRemembered(ctx, input)
    expect(counts).toEqual({ kvGets: 1, identities: 1 })
    // The speaker memo forgotten: only the request memo can answer without KV now.
    resetSpeakerMemo()
    const again = await prepareSpeechRemembered(ctx, { ...input, stream: true })
    expect(again.key).toBe(first.key)
    expect(again.stream).toBe(true)
    expect(counts).toEqual({ kvGets: 1, identities: 1 })
  })

  it('prepares afresh after a purge', async () => {
    const { ctx, counts } = countingContext(`tenant:${crypto.randomUUID()}`)
    const input = request(`Purged ${crypto.randomUUID()}.`)
    await prepareSpeechRemembered(ctx, input)
    resetSpeakerMemo()
    forgetPreparedRequests()
    await prepareSpeechRemembered(ctx, input)
    expect(counts.kvGets).toBe(2)
  })

  it('follows the cache generation: a purge in another isolate changes the key here too', async () => {
    const { ctx } = countingContext(`tenant:${crypto.randomUUID()}`)
    const input = request(`Generations ${crypto.randomUUID()}.`)
    const before = await prepareSpeechRemembered(ctx, input)
    const after = await prepareSpeechRemembered({ ...ctx, generation: 'g2' }, input)
    expect(after.key).not.toBe(before.key)
    expect(await prepareSpeechRemembered(ctx, input)).toMatchObject({ key: before.key })
  })

  it('keeps scopes and request fields apart', async () => {
    const settings = { ...settingsOf(env), voiceMap: {} }
    const a = countingContext(`tenant:${crypto.randomUUID()}`, settings)
    const b = countingContext(`tenant:${crypto.randomUUID()}`, settings)
    const input = request(`Shared words ${crypto.randomUUID()}.`)
    const forA = await prepareSpeechRemembered(a.ctx, input)
    const forB = await prepareSpeechRemembered(b.ctx, input)
    expect(forB.key).not.toBe(forA.key)
    expect(forB.tenant).toBe(b.ctx.scope)
    const faster = await prepareSpeechRemembered(a.ctx, { ...input, speed: 1.5 })
    expect(faster.key).not.toBe(forA.key)
  })

  it('never remembers a cloned voice: a deleted one stops at once', async () => {
    const { ctx } = countingContext(`tenant:${crypto.randomUUID()}`)
    const voice = await saveVoice(env as Env, 'k', 'mine', {
      speaker_embedding: [0.5],
      gpt_cond_latent: [[0.25]],
    })
    const input = { ...request(`Cloned ${crypto.randomUUID()}.`), voice: voice.id }
    expect((await prepareSpeechRemembered(ctx, input)).voiceIdentity).toBe(voice.identity)
    await deleteVoice(env as Env, 'k', voice.id)
    await expect(prepareSpeechRemembered(ctx, input)).rejects.toMatchObject({
      code: 'unknown_voice',
    })
  })
})
