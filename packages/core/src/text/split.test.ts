import { describe, expect, it } from 'vitest'
import { paragraphs } from '../../bench/udhr-samples.ts'
import { CHAR_LIMITS, XTTS_LANGUAGES, type XttsLanguage } from '../lang/languages.ts'
import { DECLARATIONS } from '../lang/udhr-fixture.ts'
import { joinPieces } from './join.ts'
import { normalizeText } from './normalize.ts'
import { splitForSynthesis } from './split.ts'

const codePoints = (s: string) => [...s].length

/** Offsets in `normalized` where one piece ends and the next begins (after any space). */
function seams(pieces: string[]): number[] {
  const out: number[] = []
  let joined = ''
  for (const piece of pieces) {
    if (joined !== '') {
      joined = joinPieces([joined, piece]).slice(0, -piece.length)
      out.push(joined.length)
    }
    joined += piece
  }
  return out
}

function wordBoundaries(text: string, language: XttsLanguage): Set<number> {
  const segmenter = new Intl.Segmenter(language === 'zh-cn' ? 'zh' : language, {
    granularity: 'word',
  })
  return new Set([...segmenter.segment(text)].map((s) => s.index))
}

describe('splitForSynthesis on the UDHR', () => {
  it.each(XTTS_LANGUAGES)(
    '%s: pieces fit the limit, start and end on words, and join back',
    (language) => {
      const text = paragraphs(DECLARATIONS[language]).join('\n\n')
      const normalized = normalizeText(text)
      const boundaries = wordBoundaries(normalized, language)
      for (const limit of [CHAR_LIMITS[language], 60, 30]) {
        const pieces = splitForSynthesis(text, language, { limit })
        expect(pieces.length).toBeGreaterThan(normalized.length / limit - 1)
        for (const piece of pieces) {
          expect(codePoints(piece), piece).toBeLessThanOrEqual(limit)
          expect(piece).toBe(piece.trim())
          expect(piece).not.toBe('')
        }
        expect(joinPieces(pieces)).toBe(normalized)
        for (const seam of seams(pieces)) {
          expect(
            boundaries.has(seam),
            `cut inside a word at ${seam}: …${normalized.slice(seam - 10, seam + 10)}…`,
          ).toBe(true)
        }
      }
    },
  )
})

describe('splitForSynthesis', () => {
  it('keeps short text whole and returns nothing for empty text', () => {
    expect(splitForSynthesis('  Hello   there. How are you? ', 'en')).toEqual([
      'Hello there. How are you?',
    ])
    expect(splitForSynthesis(' \n ', 'en')).toEqual([])
  })

  it('cuts between sentences before anything else', () => {
    const first = `${'Word '.repeat(29)}end.`
    const second = `${'More '.repeat(29)}end!`
    expect(splitForSynthesis(`${first} ${second}`, 'en')).toEqual([first, second])
  })

  it('packs whole sentences while they fit, and splits an over-long sentence on its own', () => {
    const s = (n: number, word: string) => `${`${word} `.repeat(n - 1)}${word}.`
    const [a, b, c] = [s(15, 'Alpha'), s(15, 'Bravo'), s(15, 'Delta')] // 90 characters each
    expect(splitForSynthesis(`${a} ${b} ${c}`, 'en')).toEqual([`${a} ${b}`, c])
    const long = `${'Echo, '.repeat(50)}end.` // 304 characters, clauses of 5
    const pieces = splitForSynthesis(`${a} ${long} ${b}`, 'en')
    expect(pieces[0]).toBe(a)
    expect(pieces.at(-1)).toBe(b)
    expect(joinPieces(pieces.slice(1, -1))).toBe(long)
    expect(pieces.slice(1, -1).map((p) => p.length)).toEqual([245, 58])
  })

  it('cuts a sentence that is too long at clause punctuation, then between words', () => {
    const clause = 'a clause of some length that goes on'
    const sentence = `${clause}, ${clause}; ${clause}: ${clause}.`
    expect(splitForSynthesis(sentence, 'en', { limit: 80 })).toEqual([
      `${clause}, ${clause};`,
      `${clause}: ${clause}.`,
    ])
    const words = splitForSynthesis('one two three four five six seven eight nine ten', 'en', {
      limit: 15,
    })
    expect(words).toEqual(['one two three', 'four five six', 'seven eight', 'nine ten'])
  })

  it('cuts Japanese and Chinese at clause marks and word boundaries, without spaces', () => {
    const ja =
      'すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。'
    const pieces = splitForSynthesis(ja, 'ja', { limit: 20 })
    expect(pieces).toEqual([
      'すべての人間は、',
      '生まれながらにして自由であり、かつ、',
      '尊厳と権利とについて平等である。',
    ])
    expect(joinPieces(pieces)).toBe(ja)
  })

  it('cuts a single over-long word between graphemes, never inside one', () => {
    const flags = '🇫🇷'.repeat(10)
    const pieces = splitForSynthesis(flags, 'fr', { limit: 5 })
    expect(pieces).toHaveLength(5)
    for (const piece of pieces) expect(piece).toBe('🇫🇷🇫🇷')
    const word = 'x'.repeat(300)
    expect(splitForSynthesis(word, 'en').map((p) => p.length)).toEqual([250, 50])
  })

  it('accepts language tags and rejects unsupported languages or limits', () => {
    expect(splitForSynthesis('Hallo Welt.', 'de-AT')).toEqual(['Hallo Welt.'])
    expect(() => splitForSynthesis('Hej', 'sv')).toThrow(/not supported/)
    expect(() => splitForSynthesis('Hi', 'en', { limit: 0 })).toThrow(/positive integer/)
  })
})
