import { describe, expect, it } from 'vitest'
import { cacheKey, normalizeText } from './index.ts'

describe('@tts/core/crypto entry', () => {
  it('gives one cache key to texts that differ only in spelling of accents and spacing', async () => {
    const key = (text: string) =>
      cacheKey({ text: normalizeText(text), language: 'fr', voice: 'ana' })
    const composed = await key('Café  au lait')
    expect(await key('  Cafe\u0301 au\nlait ')).toBe(composed)
    expect(await key('Cafe au lait')).not.toBe(composed)
  })
})
