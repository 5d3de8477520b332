import { detectLanguage } from '@tts/core/lang'
import { describe, expect, it } from 'vitest'
import { speak } from './helpers.ts'

/** 20 random digits (> 64 bits): not letters, so the detector ignores them; the cache does not. */
const nonce = () =>
  Array.from(crypto.getRandomValues(new Uint32Array(3)), (n) => String(n).padStart(10, '0'))
    .join('')
    .slice(0, 20)

describe('language_hint with language auto', () => {
  it('decides what the text leaves open, as the client calling core would', async () => {
    for (const hint of [['pt-BR'], ['es-ES', 'en']]) {
      const input = `Editar ${nonce()}`
      const res = await speak({ input, language_hint: hint, response_format: 'pcm' })
      expect(res.status).toBe(200)
      const client = await detectLanguage(input, { languageHint: hint })
      expect(res.headers.get('x-tts-language')).toBe(client.language)
      expect(client.language).toBe(hint[0]?.slice(0, 2))
    }
  })

  it('does not override clear evidence', async () => {
    const res = await speak({
      input: `مرحبا بكم ${nonce()}`,
      language_hint: ['fr-FR'],
      response_format: 'pcm',
    })
    expect(res.headers.get('x-tts-language')).toBe('ar')
  })

  it('rejects a hint that is not a list of tags with a problem', async () => {
    const res = await speak({ input: `Editar ${nonce()}`, language_hint: 'pt-BR' })
    expect(res.status).toBe(400)
    expect(res.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'invalid_request',
      detail: expect.stringContaining('language_hint'),
    })
  })
})
