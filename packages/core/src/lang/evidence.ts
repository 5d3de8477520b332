/**
 * @module lang/evidence — what short texts say beyond eld's n-grams, loaded with the n-gram
 * data (not in the browser entry): letters that only some Latin-script languages use, Han
 * characters whose form is only Chinese (simplified) or only Japanese, words of real UI
 * strings (data/lexicon.gen.ts, from translation files outside the evaluation set; see
 * bench/gen-lexicon.ts), and the tuned weights.
 *
 * Written here, not taken from a library: no maintained package has these tables for exactly
 * XTTS's languages, and they are a few hundred bytes. The weights (`TUNED`) were fitted by
 * bench/tune-lang.ts on the tuning set only (CLDR's localised names and UDHR snippets); the
 * figures reported in bench/ui.bench.ts come from the held-out set (bench/ui-corpus.ts).
 */

import { JA_ONLY, ZH_ONLY } from './data/han-forms.gen.ts'
import LEXICON_ROWS from './data/lexicon.gen.ts'
import type { LatinLanguage } from './ngram.ts'

/** Letters (lower case) and the Latin-script XTTS languages whose spelling uses them. */
const LETTER_LANGUAGES: Readonly<Record<string, readonly LatinLanguage[]>> = {
  ß: ['de'],
  ä: ['de'],
  ö: ['de', 'hu', 'tr'],
  ü: ['de', 'hu', 'tr', 'es'],
  ő: ['hu'],
  ű: ['hu'],
  á: ['es', 'pt', 'hu', 'cs'],
  é: ['fr', 'es', 'pt', 'hu', 'cs', 'it', 'nl'],
  í: ['es', 'pt', 'hu', 'cs'],
  ó: ['es', 'pt', 'hu', 'cs', 'pl'],
  ú: ['es', 'pt', 'hu', 'cs'],
  ý: ['cs'],
  à: ['fr', 'it', 'pt'],
  è: ['fr', 'it'],
  ì: ['it'],
  ò: ['it'],
  ù: ['fr', 'it'],
  â: ['fr', 'pt', 'tr'],
  ê: ['fr', 'pt'],
  î: ['fr', 'tr'],
  ô: ['fr', 'pt'],
  û: ['fr', 'tr'],
  ë: ['fr', 'nl'],
  ï: ['fr', 'nl'],
  ÿ: ['fr'],
  ç: ['fr', 'pt', 'tr'],
  œ: ['fr'],
  æ: ['fr'],
  ã: ['pt'],
  õ: ['pt'],
  ñ: ['es'],
  '¿': ['es'],
  '¡': ['es'],
  č: ['cs'],
  ď: ['cs'],
  ě: ['cs'],
  ň: ['cs'],
  ř: ['cs'],
  š: ['cs'],
  ť: ['cs'],
  ů: ['cs'],
  ž: ['cs'],
  ą: ['pl'],
  ć: ['pl'],
  ę: ['pl'],
  ł: ['pl'],
  ń: ['pl'],
  ś: ['pl'],
  ź: ['pl'],
  ż: ['pl'],
  ğ: ['tr'],
  ı: ['tr'],
  ş: ['tr'],
}

/**
 * Han characters only simplified Chinese writes (说, 设, 这, 们) and only Japanese writes (説, 設,
 * 込, 働), from CLDR's exemplar characters (bench/gen-han.ts): one of them in Han-only text is
 * strong evidence for its language.
 */
const ZH_SET = new Set(ZH_ONLY)
const JA_SET = new Set(JA_ONLY)

/** The weights fitted on the tuning set by bench/tune-lang.ts (its output, pasted). */
export const TUNED = {
  /** Score factor per letter a language does not use (`ł` for Spanish). */
  letterPenalty: 0.25,
  /** Score factor per Han character whose form the language does not use. */
  hanPenalty: 0.3,
  /**
   * How far behind the best score a hinted language may be and still win, when the text is not
   * clear about its own answer (lang/decide.ts `CLEAR`): it wins if its score × the ratio ≥ the
   * best score. One ratio per letter class (calibration.ts `LETTER_EDGES`): the more letters,
   * the more evidence, the less a hint may move. (`DetectLanguageOptions`, the core README and
   * the edge's OpenAPI text describe these as "up to two thirds behind for a word or two, half
   * up to 20 letters, a tenth up to 40, none past that".) Past 20 letters the tuner's grid
   * stops at 1.1 (bench/tune-lang.ts says why).
   */
  hintRatio: { latin: [2, 3, 2, 1.1, 1], han: [3, 1.25, 1.1, 1.5] } as Record<
    'latin' | 'han',
    number[]
  >,
  /**
   * Confidence of an answer the hint decided against the text's own lean: the share of such
   * answers that were right on the tuning set, with hints as right as bench/tune-lang.ts
   * `HINT_RIGHT` assumes. Below `CLEAR` by construction: it is only as right as the hint.
   */
  hintDecidedConfidence: 0.78,
  /**
   * Confidence of an answer the vocabulary decided against the n-grams' lean (lang/decide.ts
   * `byVocabulary`): the share of such answers right on the tuning set. Below `CLEAR`, so
   * that an app's hint can still overturn it.
   */
  vocabularyConfidence: 0.74,
  /**
   * Score factor per word of the text that the UI lexicon lists for the language. Capped at 1.1
   * in bench/tune-lang.ts's grid: unconstrained it prefers 1.5, but the lexicon comes from four
   * apps, and one app's Spanish-only "Eliminar" must not read as clear evidence against a
   * pt-BR app's hint (hint.test.ts).
   */
  lexiconBoost: 1.1,
  /** Score factor per word of the text that the UI lexicon lists for other languages only. */
  lexiconPenalty: 1,
  /** Confidence when only the hint named the language (the model knew no n-gram of the text). */
  hintOnlyConfidence: 0.5,
  /**
   * Per-language factors correcting eld's leanings on UI text, by `LATIN_LANGUAGES` order.
   * `fr` stays at 0.95 by hand: the tuner's 0.997 takes three Spanish UDHR snippets for
   * French, under accuracy.test.ts's 80 % floor for Spanish 1–3 words.
   */
  bias: {
    cs: 0.722,
    de: 0.95,
    en: 1,
    es: 0.95,
    fr: 0.95,
    hu: 1.1,
    it: 1.05,
    nl: 1,
    pl: 1.1,
    pt: 1,
    tr: 1.15,
  } as Record<LatinLanguage, number>,
}

/**
 * For each language of `languages`, how many letters of `text` (lower case) its spelling does
 * not use. Letters no table row names (ASCII, most of all) count for no one.
 *
 * @example
 * foreignLetters('łódź', ['pl', 'es']) // [0, 3]  (ł, ó is Spanish too, ź)
 */
export function foreignLetters(text: string, languages: readonly LatinLanguage[]): number[] {
  const out = languages.map(() => 0)
  for (const ch of text) {
    if (ch < '\u00a1') continue
    const users = LETTER_LANGUAGES[ch]
    if (!users) continue
    for (let i = 0; i < languages.length; i++) {
      if (!users.includes(languages[i] as LatinLanguage)) out[i] = (out[i] as number) + 1
    }
  }
  return out
}

/**
 * Han characters of `text` written only the Chinese (simplified) way and only the Japanese way.
 *
 * @example
 * hanForms('设置') // { zh: 1, ja: 0 }
 */
export function hanForms(text: string): { zh: number; ja: number } {
  let zh = 0
  let ja = 0
  for (const ch of text) {
    if (ZH_SET.has(ch)) zh++
    else if (JA_SET.has(ch)) ja++
  }
  return { zh, ja }
}

/** UI word → bit mask over `LATIN_LANGUAGES` of the languages that use it. */
const LEXICON = parseRows(LEXICON_ROWS)

/**
 * The lexicon's language masks (bit i: `LATIN_LANGUAGES[i]`) of the words of `text` (lower
 * case) that it lists.
 *
 * @example
 * lexiconMasks('abbrechen') // [0b10] (de) when the lexicon lists it
 */
export function lexiconMasks(text: string): number[] {
  const out: number[] = []
  for (const word of text.match(/\p{L}{2,}/gu) ?? []) {
    const mask = LEXICON.get(word)
    if (mask !== undefined) out.push(mask)
  }
  return out
}

/** Rows of `key<TAB>base-36 mask`, as the generated data files hold them. */
function parseRows(rows: string): Map<string, number> {
  return new Map(
    rows.split('\n').map((row) => {
      const tab = row.indexOf('\t')
      return [row.slice(0, tab), Number.parseInt(row.slice(tab + 1), 36)]
    }),
  )
}
