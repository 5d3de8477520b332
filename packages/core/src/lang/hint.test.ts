import { describe, expect, it } from 'vitest'
import { isTtsError } from '../errors/index.ts'
import { detectLanguage, detectLanguageSync, initLanguageDetector } from './detect.ts'

// Spelt the same in Spanish and Portuguese, and scored within 10 % of each other by the model:
// the text alone cannot decide, a hint should. ("Cancelar" is not here: eld's n-grams lean to
// Portuguese by 40 %, more than the tuned prior moves.)
const SHARED_ES_PT = ['Eliminar', 'Editar', 'Aplicar', 'Importar']

describe('languageHint', () => {
  it('breaks ties the text leaves open', async () => {
    await initLanguageDetector()
    let flipped = 0
    for (const text of SHARED_ES_PT) {
      const es = detectLanguageSync(text, { languageHint: ['es-ES'] }).language
      const pt = detectLanguageSync(text, { languageHint: ['pt-BR', 'en-US'] }).language
      if (es === 'es' && pt === 'pt') flipped++
    }
    expect(flipped).toBe(SHARED_ES_PT.length)
  })

  it('never overrides clear evidence', async () => {
    await initLanguageDetector()
    const cases = [
      ['مرحبا بكم في التطبيق', 'fr', 'ar'],
      ['Привет, как дела?', 'de', 'ru'],
      ['Szybki brązowy lis przeskakuje nad leniwym psem', 'cs', 'pl'],
      ['Der schnelle braune Fuchs springt über den faulen Hund', 'nl', 'de'],
      ['Não sei o que você está dizendo', 'es', 'pt'],
      ['ファイルをアップロード', 'zh-CN', 'ja'],
      ['设置语言', 'ja', 'zh-cn'],
    ] as const
    for (const [text, hint, expected] of cases) {
      expect(detectLanguageSync(text, { languageHint: hint }).language, `${text} (${hint})`).toBe(
        expected,
      )
    }
  })

  it('reads navigator.languages-style lists and ignores tags XTTS does not speak', async () => {
    const result = await detectLanguage('Editar', { languageHint: ['sv-SE', 'pt-BR', 'pt'] })
    expect(result.language).toBe('pt')
    // Text without letters falls back to the hint's first XTTS language, with no confidence.
    expect(detectLanguageSync('1234 !!', { languageHint: ['sv', 'de-AT'] })).toEqual({
      language: 'de',
      confidence: 0,
      source: 'fallback',
    })
    expect(detectLanguageSync('1234', { languageHint: 'de', fallback: 'it' }).language).toBe('it')
  })

  it('rejects a hint that is not a tag or a list of tags with a typed error', () => {
    for (const bad of [42, [1], { fr: true }] as unknown[]) {
      try {
        detectLanguageSync('Привет', { languageHint: bad as string })
        expect.unreachable()
      } catch (error) {
        expect(isTtsError(error) && error.code).toBe('invalid_hint')
      }
    }
  })
})

describe('confidence', () => {
  it('stays within 0..1 and reads as sure on an obviously French sentence', async () => {
    await initLanguageDetector()
    const texts = [
      crypto.randomUUID(),
      'Bonjour, je voudrais réserver une table pour deux personnes ce soir.',
      'OK',
      'x',
      '中文',
      'ImageProxy HTTPエラー',
      'Cancelar',
      '',
    ]
    for (const text of texts) {
      for (const languageHint of [undefined, 'fr', ['ja', 'es']]) {
        const { confidence } = detectLanguageSync(text, { languageHint })
        expect(confidence, text).toBeGreaterThanOrEqual(0)
        expect(confidence, text).toBeLessThanOrEqual(1)
      }
    }
    const french = detectLanguageSync(
      'Bonjour, je voudrais réserver une table pour deux personnes ce soir.',
    )
    expect(french).toMatchObject({ language: 'fr', source: 'ngram' })
    expect(french.confidence).toBeGreaterThanOrEqual(0.9)
    // One word shared by several languages: low confidence, whatever the answer.
    expect(detectLanguageSync('Cancelar').confidence).toBeLessThan(0.9)
  })
})
