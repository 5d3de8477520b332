import { describe, expect, it } from 'vitest'
import { isTtsError } from '../errors/index.ts'
import {
  detectLanguage,
  detectLanguageSync,
  initLanguageDetector,
  isLanguageDetectorReady,
} from './detect.ts'

// The first detection loads ~1.5 MB of n-gram data; on a busy machine that can take seconds.
describe('detectLanguage', () => {
  it('decides script-only languages before the model is loaded', () => {
    expect(detectLanguageSync('Привет, как дела?')).toEqual({
      language: 'ru',
      confidence: 1,
      source: 'script',
    })
    if (!isLanguageDetectorReady()) {
      try {
        detectLanguageSync('Guten Morgen')
        expect.unreachable()
      } catch (error) {
        expect(isTtsError(error) && error.code).toBe('detector_not_ready')
      }
    }
  })

  it('loads the model lazily and then tells Latin-script languages apart', async () => {
    expect(
      (await detectLanguage('Der schnelle braune Fuchs springt über den faulen Hund')).language,
    ).toBe('de')
    expect(isLanguageDetectorReady()).toBe(true)
    const cases = [
      ['The quick brown fox jumps over the lazy dog', 'en'],
      ['El rápido zorro marrón salta sobre el perro perezoso', 'es'],
      ['Le renard brun rapide saute par-dessus le chien paresseux', 'fr'],
      ['La volpe marrone veloce salta sopra il cane pigro', 'it'],
      ['Não sei o que você está dizendo, mas parece importante', 'pt'],
      ['Szybki brązowy lis przeskakuje nad leniwym psem', 'pl'],
      ['Hızlı kahverengi tilki tembel köpeğin üzerinden atlar', 'tr'],
      ['De snelle bruine vos springt over de luie hond', 'nl'],
      ['Rychlá hnědá liška skáče přes líného psa', 'cs'],
      ['A gyors barna róka átugrik a lusta kutya felett', 'hu'],
    ] as const
    for (const [text, language] of cases) {
      const result = detectLanguageSync(text)
      expect(result, text).toMatchObject({ language, source: 'ngram' })
      expect(result.confidence).toBeGreaterThan(0)
      expect(result.confidence).toBeLessThanOrEqual(1)
    }
  }, 60_000)

  it('tells Chinese from Japanese in Han-only text', async () => {
    await initLanguageDetector()
    expect(detectLanguageSync('人人生而自由，在尊严和权利上一律平等').language).toBe('zh-cn')
    expect(detectLanguageSync('日本国憲法').language).toBe('ja')
  })

  it('lets a sizeable non-Latin minority decide mixed text', async () => {
    expect(await detectLanguage('ImageProxy HTTPエラー')).toMatchObject({
      language: 'ja',
      source: 'script',
    })
    expect(await detectLanguage('Ошибка в ImageProxy')).toMatchObject({
      language: 'ru',
      source: 'script',
    })
    expect((await detectLanguage('I had sushi in 東京 last week with my friends')).language).toBe(
      'en',
    )
  })

  it('falls back with zero confidence for a script XTTS does not speak', async () => {
    expect(await detectLanguage('Καλημέρα σας', { fallback: 'fr' })).toEqual({
      language: 'fr',
      confidence: 0,
      source: 'fallback',
    })
  })

  it('falls back with zero confidence when there is nothing to go on', async () => {
    expect(await detectLanguage('12345 !!!')).toEqual({
      language: 'en',
      confidence: 0,
      source: 'fallback',
    })
    expect(await detectLanguage('', { fallback: 'de' })).toEqual({
      language: 'de',
      confidence: 0,
      source: 'fallback',
    })
  })

  it('rejects a non-string with a clear error', () => {
    expect(() => detectLanguageSync(42 as unknown as string)).toThrow(/must be a string/)
  })
})
