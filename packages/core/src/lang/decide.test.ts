import { describe, expect, it } from 'vitest'
import { detectLanguageSync, initLanguageDetector } from './detect.ts'
import { LATIN_MASK, ngramScores } from './ngram.ts'

const known = (text: string, dense = false) =>
  ngramScores(text, LATIN_MASK, dense).scores.some((s) => s > 0)

describe('decideLatin when the n-grams know little', () => {
  it('backs off to every 4-byte window when no stride-3 n-gram is known', async () => {
    await initLanguageDetector()
    expect(known('İskoçça')).toBe(false)
    expect(known('İskoçça', true)).toBe(true)
    expect(detectLanguageSync('İskoçça').source).toBe('ngram')
  })

  it('lets letters decide alone when no n-gram at all is known', async () => {
    await initLanguageDetector()
    // ą, ę, ź, ż: Polish spelling only; eld's data has none of the text's n-grams.
    expect(known('ąęźż', true)).toBe(false)
    const result = detectLanguageSync('ąęźż')
    expect(result).toMatchObject({ language: 'pl', source: 'ngram' })
    expect(result.confidence).toBeGreaterThan(0)
  })

  it('still falls back (or takes the hint) when nothing in the text speaks', async () => {
    await initLanguageDetector()
    expect(known('Zazaca', true)).toBe(false)
    expect(detectLanguageSync('Zazaca')).toEqual({
      language: 'en',
      confidence: 0,
      source: 'fallback',
    })
    expect(detectLanguageSync('Zazaca', { languageHint: 'tr-TR' })).toMatchObject({
      language: 'tr',
      confidence: 0.5,
    })
  })
})
