/**
 * The language of a call that names none, and when core's n-gram model is loaded. The model is
 * module state, so each test imports the client and core's detector afresh (`vi.resetModules`):
 * every test starts with the model unloaded, whatever ran before it.
 */
import { describe, expect, it, vi } from 'vitest'
import { type Handler, sendProblem, sendWav } from '../../test/http-server.ts'
import { testClient } from '../../test/test-client.ts'

async function setup(handler: Handler) {
  vi.resetModules()
  const { isLanguageDetectorReady } = await import('@tts/core/lang')
  const { createTtsClient } = await import('./index.ts')
  // A fake engine is fine here: this is a unit test of the client's routing, not of espeak.
  const t = await testClient(handler, {}, createTtsClient)
  const provided: string[] = []
  t.client.on('provider', (e) => provided.push(`${e.provider}:${e.language}`))
  const bodies = () => t.speech().map((r) => JSON.parse(r.body) as { language: string })
  return { ...t, provided, bodies, isLanguageDetectorReady }
}

const FRENCH = "Bonjour à tous, je suis très heureux d'être ici aujourd'hui."

describe('language without the n-gram model', () => {
  it("sends Latin text as 'auto', reports the edge's X-TTS-Language, and never loads the model", async () => {
    const { client, provided, bodies, isLanguageDetectorReady } = await setup((_, res) =>
      sendWav(res, { 'x-tts-language': 'fr' }),
    )
    expect(isLanguageDetectorReady()).toBe(false)
    const first = await client.synthesize(FRENCH)
    expect(first).toMatchObject({ provider: 'edge', language: 'fr' })
    expect(bodies()).toEqual([expect.objectContaining({ language: 'auto' })])
    // The cache key is what was asked, so the same text hits, and the hit keeps 'fr'.
    const again = await client.synthesize(`  ${FRENCH} `)
    expect(again).toMatchObject({ provider: 'cache', language: 'fr' })
    expect(bodies()).toHaveLength(1)
    // Script-decided text goes out with its language, still without the model.
    const ar = await client.synthesize('مرحبا بكم في خدمة تحويل النص إلى كلام')
    expect(ar.language).toBe('ar')
    expect(bodies()[1]).toMatchObject({ language: 'ar' })
    expect(provided).toEqual(['edge:fr', 'cache:fr', 'edge:ar'])
    expect(client.metrics.snapshot().providers).toEqual({ edge: 2, cache: 1, local: 0 })
    expect(isLanguageDetectorReady()).toBe(false)
  })

  it('loads the model only when the edge fails, to pick the local voice; warms with the resolved language', async () => {
    const { client, calls, storage, provided, isLanguageDetectorReady } = await setup((_, res) =>
      sendProblem(res, 503, 'upstream_unavailable'),
    )
    expect(isLanguageDetectorReady()).toBe(false)
    const out = await client.synthesize(FRENCH)
    expect(out).toMatchObject({ provider: 'local', language: 'fr' })
    expect(calls.map((c) => c.locale)).toEqual(['fr-FR'])
    expect(provided).toEqual(['local:fr'])
    expect(isLanguageDetectorReady()).toBe(true)
    const queued = async () =>
      (
        (JSON.parse((await storage.load()) ?? '{}') as { items?: Array<{ language: string }> })
          .items ?? []
      ).map((i) => i.language)
    await expect.poll(queued).toEqual(['fr'])
  })
})
