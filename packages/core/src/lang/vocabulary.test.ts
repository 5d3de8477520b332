import { beforeAll, describe, expect, it } from 'vitest'
import { BUCKETS, snippets } from '../../bench/udhr-samples.ts'
import VOCABULARY_ROWS from './data/vocabulary.gen.ts'
import { CLEAR, decideLatin } from './decide.ts'
import { detectLanguageSync, initLanguageDetector } from './detect.ts'
import { TUNED } from './evidence.ts'
import { LATIN_LANGUAGES, type LatinLanguage } from './ngram.ts'
import { countScripts } from './script.ts'
import { DECLARATIONS } from './udhr-fixture.ts'
import {
  loadVocabulary,
  VOCABULARY_LANGUAGES,
  VOCABULARY_MASK,
  vocabularyMask,
} from './vocabulary.ts'

const languagesOf = (mask: number) => LATIN_LANGUAGES.filter((_, i) => mask & (1 << i))

/** CLDR's English names of calendars: eld's n-grams read "Calendar" as Spanish. */
const CALENDARS = ['Gregorian Calendar', 'Hebrew Calendar', 'Persian Calendar', 'Chinese Calendar']

describe('vocabularyMask', () => {
  beforeAll(() => loadVocabulary())

  it('names the languages whose vocabulary holds every word that tells them apart', () => {
    expect(languagesOf(vocabularyMask('gregorian calendar'))).toEqual(['en'])
    expect(languagesOf(vocabularyMask('eliminar'))).toEqual(['es', 'pt'])
    expect(languagesOf(vocabularyMask('zavřít okno'))).toEqual(['cs'])
    expect(languagesOf(vocabularyMask('fenêtre'))).toEqual(['fr'])
  })

  it('finds every word of the generated file with its mask, the first and the last included', () => {
    // The file's blocks decoded independently: a mask line, then front-coded words.
    const lines = VOCABULARY_ROWS.split('\n')
    let words = 0
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const mask = Number.parseInt(lines[i] as string, 36)
      let previous = ''
      for (const coded of (lines[i + 1] as string).split(' ')) {
        previous = previous.slice(0, Number.parseInt(coded[0] as string, 36)) + coded.slice(1)
        words++
        if (vocabularyMask(previous) !== mask)
          expect.fail(`${previous}: ${vocabularyMask(previous)}`)
      }
    }
    expect(words).toBeGreaterThan(100_000)
  })

  it('lets words no vocabulary or every one holds say nothing, and contradictions rule out all', () => {
    expect(vocabularyMask('zzqxv qqzzk')).toBe(VOCABULARY_MASK)
    expect(languagesOf(VOCABULARY_MASK)).toEqual([...VOCABULARY_LANGUAGES])
    // Schließen is German only, zavřít Czech only: no language holds both.
    expect(vocabularyMask('schließen zavřít')).toBe(0)
  })
})

describe('the vocabulary in decideLatin', () => {
  const decide = (text: string, hint: LatinLanguage[] = [], vocabulary = true) =>
    decideLatin(text, countScripts(text).latin, hint, vocabulary)

  it("moves an unclear answer off a language that lacks the text's words", async () => {
    await initLanguageDetector()
    for (const text of CALENDARS) {
      const ngrams = decide(text, [], false)
      expect(ngrams?.language, text).not.toBe('en')
      expect(ngrams?.confidence, text).toBeLessThan(CLEAR)
      expect(decide(text), text).toEqual({
        language: 'en',
        margin: 0,
        confidence: TUNED.vocabularyConfidence,
        by: 'vocabulary',
      })
      expect(detectLanguageSync(text).language, text).toBe('en')
    }
    expect(TUNED.vocabularyConfidence).toBeLessThan(CLEAR)
  })

  it('keeps a ruled-out language out of reach of the hint, not the others', async () => {
    await initLanguageDetector()
    for (const text of CALENDARS) {
      const lean = decide(text, [], false)?.language as LatinLanguage
      // The n-grams' favourite, hinted, cannot come back: "Calendar" is not Spanish.
      expect(decide(text, [lean])?.language, text).toBe('en')
    }
    // Spelt alike in Spanish and Portuguese: neither is ruled out, the hint decides.
    expect(decide('Eliminar', ['pt'])?.language).toBe('pt')
    expect(decide('Eliminar', ['es'])?.language).toBe('es')
  })

  it('never changes an answer given with confidence ≥ CLEAR, nor one in hu or tr', async () => {
    await initLanguageDetector()
    let clear = 0
    let untouched = 0
    let moved = 0
    for (const language of LATIN_LANGUAGES) {
      for (const bucket of BUCKETS) {
        for (const text of snippets(DECLARATIONS[language], language, bucket)) {
          const ngrams = decide(text, [], false)
          const read = decide(text)
          if (!ngrams || !read) continue
          if (ngrams.confidence >= CLEAR || ngrams.language === 'hu' || ngrams.language === 'tr') {
            if (ngrams.confidence >= CLEAR) clear++
            else untouched++
            if (read.language !== ngrams.language) expect.fail(`${text}: ${read.language}`)
            expect(read).toEqual(ngrams)
          } else if (read.by === 'vocabulary') moved++
        }
      }
    }
    expect(clear).toBeGreaterThan(1000)
    expect(untouched).toBeGreaterThan(10)
    // The rule does act on this text (so the checks above are not vacuous).
    expect(moved).toBeGreaterThan(0)
  })
})
