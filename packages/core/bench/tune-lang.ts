/**
 * @module bench/tune-lang — fits the detector's weights (src/lang/evidence.ts `TUNED`) and its
 * confidence table (src/lang/calibration.ts) on the tuning set ONLY: CLDR's localised names
 * (bench/ui-corpus.ts `trainingSamples`) and UDHR snippets. The held-out UI strings are never
 * read here. Prints the values to paste; run after changing the rules:
 *
 *   cd packages/core && node bench/tune-lang.ts
 *
 * Also tuned on: the quarter of the lexicon's sources kept out of it (bench/gen-lexicon.ts).
 *
 * `node bench/tune-lang.ts --calibration-only` refits the confidence table alone, for weights
 * set by hand (see `TUNED` in evidence.ts for which and why).
 *
 * Objective: accuracy on Latin- and Han-script strings, averaged over the 1–3-word and the
 * 20–40-character buckets; the hint's boost maximises the mean of accuracy with a right hint
 * and with a wrong one (a close neighbour, see `NEIGHBOUR`), so it cannot win by trusting hints.
 */

import { binOf, CALIBRATION, LETTER_EDGES, MARGIN_EDGES } from '../src/lang/calibration.ts'
import { TUNED } from '../src/lang/evidence.ts'
import {
  detectLanguageSync,
  initLanguageDetector,
  XTTS_LANGUAGES,
  type XttsLanguage,
} from '../src/lang/index.ts'
import { LATIN_LANGUAGES, type LatinLanguage } from '../src/lang/ngram.ts'
import { countScripts, scriptVerdict } from '../src/lang/script.ts'
import { lexiconSources } from './gen-lexicon.ts'
import { loadDeclarations } from './udhr-node.ts'
import { BUCKETS, snippets } from './udhr-samples.ts'
import { bucketsOf, type Sample, trainingSamples } from './ui-corpus.ts'

/** The wrong hint for each language: the one it is most easily taken for. */
export const NEIGHBOUR: Record<XttsLanguage, XttsLanguage> = {
  en: 'nl',
  es: 'pt',
  fr: 'it',
  de: 'nl',
  it: 'es',
  pt: 'es',
  pl: 'cs',
  tr: 'hu',
  ru: 'pl',
  nl: 'de',
  cs: 'pl',
  ar: 'fr',
  'zh-cn': 'ja',
  hu: 'tr',
  ko: 'ja',
  ja: 'zh-cn',
  hi: 'en',
}

/** The tuning set: CLDR names plus UDHR snippets of every bucket. */
export function tuningSamples(): Sample[] {
  const declarations = loadDeclarations()
  const udhr = XTTS_LANGUAGES.flatMap((language) =>
    BUCKETS.flatMap((bucket) =>
      snippets(declarations[language], language, bucket).map((text) => ({
        text,
        language,
        source: 'udhr',
      })),
    ),
  )
  return [...trainingSamples().samples, ...udhr, ...lexiconSources().tune]
}

if (import.meta.main) {
  await initLanguageDetector()
  // Only texts the n-gram half decides are affected by what is tuned here.
  const all = tuningSamples().filter((s) => {
    const kind = scriptVerdict(countScripts(s.text)).kind
    return kind === 'latin' || kind === 'han'
  })
  const words = all.filter(
    (s) => bucketsOf(s.text).includes('words') || s.text.split(' ').length <= 3,
  )
  const short = all.filter((s) => s.text.length >= 20 && s.text.length <= 40)
  console.log(`tuning on ${words.length} short-word and ${short.length} 20–40-character strings`)

  const accuracy = (set: Sample[], hint: (s: Sample) => XttsLanguage[] = () => []) =>
    set.filter((s) => detectLanguageSync(s.text, { languageHint: hint(s) }).language === s.language)
      .length / set.length
  const score = () => (accuracy(words) + accuracy(short)) / 2

  const search = (
    label: string,
    get: () => number,
    set: (v: number) => void,
    grid: number[],
    objective = score,
  ) => {
    let bestValue = get()
    let best = objective()
    for (const v of grid) {
      set(v)
      const s = objective()
      if (s > best + 1e-4) {
        best = s
        bestValue = v
      }
    }
    set(bestValue)
    console.log(`${label} = ${bestValue}  (objective ${(best * 100).toFixed(2)} %)`)
  }

  // `--calibration-only` keeps the weights as they are in evidence.ts and refits the table.
  if (!process.argv.includes('--calibration-only')) {
    search(
      'letterPenalty',
      () => TUNED.letterPenalty,
      (v) => {
        TUNED.letterPenalty = v
      },
      [1, 0.8, 0.6, 0.4, 0.25, 0.1],
    )
    search(
      'lexiconBoost',
      () => TUNED.lexiconBoost,
      (v) => {
        TUNED.lexiconBoost = v
      },
      // No stronger than the hint's boost (see TUNED.lexiconBoost): a tie the lexicon of four
      // apps calls must stay one the app's hint can break.
      [1, 1.05, 1.1],
    )
    search(
      'lexiconPenalty',
      () => TUNED.lexiconPenalty,
      (v) => {
        TUNED.lexiconPenalty = v
      },
      [1],
    )
    search(
      'hanPenalty',
      () => TUNED.hanPenalty,
      (v) => {
        TUNED.hanPenalty = v
      },
      [1, 0.7, 0.5, 0.3, 0.15, 0.05],
    )
    for (let round = 0; round < 2; round++) {
      for (const language of LATIN_LANGUAGES as readonly LatinLanguage[]) {
        const base = TUNED.bias[language]
        search(
          `bias.${language}`,
          () => TUNED.bias[language],
          (v) => {
            TUNED.bias[language] = v
          },
          [0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15].map((f) => Math.round(base * f * 1000) / 1000),
        )
      }
    }
    const hinted = (set: Sample[]) =>
      (accuracy(set, (s) => [s.language]) + accuracy(set, (s) => [NEIGHBOUR[s.language]])) / 2
    search(
      'hintBoost',
      () => TUNED.hintBoost,
      (v) => {
        TUNED.hintBoost = v
      },
      [1, 1.05, 1.1, 1.15, 1.2, 1.3, 1.5, 2],
      () => (hinted(words) + hinted(short)) / 2,
    )
  }

  // Calibration: right answers' share per letter class and margin bin, without a hint.
  for (const kind of ['latin', 'han'] as const) {
    const edges = LETTER_EDGES[kind]
    const cells = Array.from({ length: edges.length + 1 }, () =>
      Array.from({ length: MARGIN_EDGES.length + 1 }, () => [0, 0] as [number, number]),
    )
    const { decideLatin, decideHan } = await import('../src/lang/decide.ts')
    for (const s of all) {
      const counts = countScripts(s.text)
      if (scriptVerdict(counts).kind !== kind) continue
      const d =
        kind === 'latin' ? decideLatin(s.text, counts.latin, []) : decideHan(s.text, counts.han, [])
      if (!d) continue
      const letters = kind === 'latin' ? counts.latin : counts.han
      const cell = cells[binOf(letters, edges)]?.[binOf(d.margin, MARGIN_EDGES)] as [number, number]
      cell[0] += d.language === s.language ? 1 : 0
      cell[1]++
    }
    CALIBRATION[kind] = cells.map((row) => isotonic(row))
    console.log(
      `calibration ${kind} (n per cell):`,
      JSON.stringify(cells.map((r) => r.map((c) => c[1]))),
    )
  }
  console.log('\nTUNED =', JSON.stringify(TUNED))
  console.log('CALIBRATION =', JSON.stringify(CALIBRATION))
}

/**
 * Pool-adjacent-violators over (right, total) cells: the non-decreasing shares closest to the
 * observed ones, each shrunk towards 1/2 by one right and one wrong answer so that a thin cell
 * cannot claim certainty; rounded down to two decimals.
 */
function isotonic(cells: [number, number][]): number[] {
  const blocks = cells.map(([ok, n]) => ({ ok: ok + 1, n: n + 2, width: 1 }))
  for (let i = 1; i < blocks.length; ) {
    const a = blocks[i - 1] as (typeof blocks)[number]
    const b = blocks[i] as (typeof blocks)[number]
    if (a.ok / a.n > b.ok / b.n) {
      blocks.splice(i - 1, 2, { ok: a.ok + b.ok, n: a.n + b.n, width: a.width + b.width })
      if (i > 1) i--
    } else i++
  }
  return blocks.flatMap((b) => Array(b.width).fill(Math.floor((b.ok / b.n) * 100) / 100))
}
