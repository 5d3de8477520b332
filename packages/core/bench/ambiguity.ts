/**
 * @module bench/ambiguity — how much of the held-out 1–3-word UI text its words alone cannot
 * place: the share of Latin-script strings every word of which another language's spelling
 * dictionary also accepts ("Editar": es and pt; "Minute": en, de, fr). Such a string needs the
 * app's hint (or luck); the figure says how far a text-only detector can go, and where the
 * misses are. Then what a word list that can rule a language out would give: the detector's
 * answer replaced, when a dictionary rejects one of its words, by its pick among the languages
 * no dictionary rejects — with all 11 dictionaries, and with only those whose licence would let
 * a filter derived from them ship in this MIT package (`PERMISSIVE`). Counts only, never strings.
 *
 * The dictionaries are Debian's Hunspell ones, used here to measure only — nothing of them is
 * shipped (several are GPL) — so this is not part of `pnpm bench`:
 *
 *   apt-get install hunspell hunspell-en-us hunspell-de-de hunspell-es hunspell-fr hunspell-it \
 *     hunspell-pt-br hunspell-pl hunspell-nl hunspell-cs hunspell-hu hunspell-tr
 *   cd packages/core && node bench/ambiguity.ts
 */

import { execFileSync } from 'node:child_process'
import { detectLanguageSync, initLanguageDetector } from '../src/lang/index.ts'
import { LATIN_LANGUAGES, type LatinLanguage } from '../src/lang/ngram.ts'
import { bucketsOf, evaluationSamples } from './ui-corpus.ts'

/** Hunspell's dictionary for each Latin-script XTTS language (pt is Brazilian, as in CLDR's). */
const DICTIONARY: Record<LatinLanguage, string> = {
  cs: 'cs_CZ',
  de: 'de_DE',
  en: 'en_US',
  es: 'es_ES',
  fr: 'fr_FR',
  hu: 'hu_HU',
  it: 'it_IT',
  nl: 'nl_NL',
  pl: 'pl_PL',
  pt: 'pt_BR',
  tr: 'tr_TR',
}

/**
 * The languages whose Hunspell dictionary is under a permissive or file-level licence (en: MIT/
 * BSD, es/pl/hu: MPL among others, fr: MPL, pt-BR: LGPL/MPL, nl: BSD, tr: MIT); de, it and cs
 * are GPL only.
 */
const PERMISSIVE: readonly LatinLanguage[] = ['en', 'es', 'fr', 'hu', 'nl', 'pl', 'pt', 'tr']

const wordsOf = (text: string) => text.match(/\p{L}{2,}/gu) ?? []
const isLatin = (l: string): l is LatinLanguage =>
  (LATIN_LANGUAGES as readonly string[]).includes(l)

await initLanguageDetector()
const all = evaluationSamples().samples
const strings = all.filter(
  (s) => isLatin(s.language) && bucketsOf(s.text).includes('words') && wordsOf(s.text).length > 0,
)
const words = [...new Set(strings.flatMap((s) => wordsOf(s.text)))]

/** The words each dictionary accepts (`hunspell -G` prints the correct ones). */
const accepted = Object.fromEntries(
  LATIN_LANGUAGES.map((language) => {
    const out = execFileSync('hunspell', ['-d', DICTIONARY[language], '-G', '-i', 'utf-8'], {
      input: `${words.join('\n')}\n`,
      maxBuffer: 1 << 28,
      // Words with letters outside a dictionary's 8-bit charset are reported on stderr: not in it.
      stdio: ['pipe', 'pipe', 'ignore'],
    })
    return [language, new Set(String(out).split('\n'))]
  }),
) as Record<LatinLanguage, Set<string>>

interface Tally {
  n: number
  alone: number
  hinted: number
}
const tally = (): Tally => ({ n: 0, alone: 0, hinted: 0 })
const shared = new Map<string, Tally>()
const own = new Map<string, Tally>()
for (const s of strings) {
  const language = s.language as LatinLanguage
  const ws = wordsOf(s.text)
  const elsewhere = LATIN_LANGUAGES.some(
    (other) => other !== language && ws.every((w) => accepted[other].has(w)),
  )
  const table = elsewhere ? shared : own
  for (const key of [language, 'all']) {
    const t = table.get(key) ?? tally()
    table.set(key, t)
    t.n++
    if (detectLanguageSync(s.text).language === language) t.alone++
    if (detectLanguageSync(s.text, { languageHint: language }).language === language) t.hinted++
  }
}

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : 'NaN').padStart(6)
console.log(
  `Latin-script 1–3-word held-out strings: ${strings.length}; each word also valid in another language: ${shared.get('all')?.n ?? 0}\n`,
)
console.log('lang   shared %   right alone: shared / rest   right with hint: shared / rest')
for (const key of [...LATIN_LANGUAGES, 'all']) {
  const a = shared.get(key) ?? tally()
  const b = own.get(key) ?? tally()
  console.log(
    `${key.padEnd(5)} ${pct(a.n, a.n + b.n)}   ${pct(a.alone, a.n)} / ${pct(b.alone, b.n)}           ${pct(a.hinted, a.n)} / ${pct(b.hinted, b.n)}`,
  )
}

/** Accuracy on all 1–3-word strings if the dictionaries of `ruling` could rule a language out. */
function ruledOut(ruling: readonly LatinLanguage[]): number {
  const words = all.filter((s) => bucketsOf(s.text).includes('words'))
  let right = 0
  for (const s of words) {
    let got: string = detectLanguageSync(s.text).language
    const ws = wordsOf(s.text)
    const out = (l: LatinLanguage) => ruling.includes(l) && !ws.every((w) => accepted[l].has(w))
    if (isLatin(got) && ws.length > 0 && out(got)) {
      const left: string[] = LATIN_LANGUAGES.filter((l) => !out(l))
      const first = left[0]
      if (first !== undefined) {
        const pick = detectLanguageSync(s.text, { languageHint: left }).language
        got = left.includes(pick) ? pick : first
      }
    }
    if (got === s.language) right++
  }
  return (100 * right) / words.length
}
console.log(
  `\n1–3 words, all 17 languages, no hint, if dictionaries could rule a language out: all 11 ${ruledOut(LATIN_LANGUAGES).toFixed(1)} %, the permissive ${PERMISSIVE.length} ${ruledOut(PERMISSIVE).toFixed(1)} %`,
)
