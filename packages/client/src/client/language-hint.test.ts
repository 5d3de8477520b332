/**
 * `languageHint`: sent to the edge with `language: 'auto'`, and used by the local fallback's
 * own detection, which is the same core call the edge makes, so both pick the same language.
 */
import { detectLanguage } from '@tts/core/lang'
import { describe, expect, it } from 'vitest'
import { sendProblem, sendWav } from '../../test/http-server.ts'
import { testClient } from '../../test/test-client.ts'
import { createTtsClient } from './index.ts'

/** 20 random digits (> 64 bits): not letters, so detection ignores them. */
const nonce = () =>
  Array.from(crypto.getRandomValues(new Uint32Array(3)), (n) => String(n).padStart(10, '0'))
    .join('')
    .slice(0, 20)

describe('languageHint', () => {
  it("goes to the edge with 'auto', and the local fallback resolves the text as core does", async () => {
    let fail = false
    const hint = ['sv-SE', 'pt-BR']
    // A fake engine is fine here: this is a unit test of the client's routing.
    const { client, calls, speech } = await testClient(
      (_, res) =>
        fail
          ? sendProblem(res, 503, 'upstream_unavailable')
          : sendWav(res, { 'x-tts-language': 'pt' }),
      { languageHint: hint },
    )
    await client.synthesize(`Editar ${nonce()}`)
    const body = JSON.parse(speech().at(-1)?.body ?? '{}') as Record<string, unknown>
    expect(body).toMatchObject({ language: 'auto', language_hint: hint })

    fail = true
    // A word core reads as Spanish alone and as Portuguese with the hint: the local answer is
    // Portuguese only if the hint reached the fallback's detection.
    const text = `Nada ${nonce()}`
    const local = await client.synthesize(text)
    const core = await detectLanguage(text, { languageHint: hint })
    expect(core.language).toBe('pt')
    expect((await detectLanguage(text)).language).not.toBe('pt')
    expect(local).toMatchObject({ provider: 'local', language: core.language })
    expect(calls.map((c) => c.locale)).toEqual(['pt-BR'])
  })

  it('rejects a hint that is not a tag or a list of tags', () => {
    expect(() =>
      createTtsClient({ endpoint: 'https://x.test', languageHint: [42] as unknown as string[] }),
    ).toThrow(/languageHint/)
  })
})
