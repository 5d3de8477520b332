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
 * `node bench/tune-lang.ts --calibration-only` keeps the weights as evidence.ts has them (some
 * are set by hand: see `TUNED` for which and why) and refits the confidence table and the
 * hint's weight, which depends on it.
 *
 * Objective: accuracy on Latin- and Han-script strings, averaged over the 1–3-word and the
 * 20–40-character buckets. The hint's ratio (`TUNED.hintRatio`, one per letter class) then
 * maximises, over the tuning strings of that class, the expected accuracy when the hint names
 * the text's language `HINT_RIGHT` of the time and otherwise its closest neighbour
 * (`NEIGHBOUR`, the worst wrong hint); `TUNED.hintDecidedConfidence` is the
 * share of answers the hint decided that are right under that same assumption;
 * `TUNED.vocabularyConfidence` the share of answers the vocabulary decided that are right.
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

/**
 * How often an app's `languageHint` names the language of the text it speaks: the hint is its
 * UI locale or the languages it ships, and apps speak their own UI text at least four times
 * in five. An assumption, stated here so that the hint's weight follows from it (at 0.7 the
 * Latin ratios come out 2 / 2 / 1.25 / 1.1 / 1.1 instead of 2 / 3 / 1.5 / 1.1 / 1.1);
 * bench/ui.bench.ts reports right and wrong hints apart.
 */
export const HINT_RIGHT = 0.8

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
    // Start from the current value, or from the grid's first if the grid leaves it out.
    let bestValue = grid.includes(get()) ? get() : (grid[0] as number)
    set(bestValue)
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
      // The n-grams' and letters' own reading: the vocabulary takes its say only where this
      // one is unclear, and answers it decides have their own confidence (fitted below).
      const d =
        kind === 'latin'
          ? decideLatin(s.text, counts.latin, [], false)
          : decideHan(s.text, counts.han, [])
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
  // Answers the vocabulary decided against the n-grams' lean: their share right, kept below
  // CLEAR so that an app's hint can still overturn them.
  {
    const { CLEAR, decideLatin } = await import('../src/lang/decide.ts')
    let n = 0
    let right = 0
    for (const s of all) {
      const counts = countScripts(s.text)
      if (scriptVerdict(counts).kind !== 'latin') continue
      const d = decideLatin(s.text, counts.latin, [])
      if (d?.by !== 'vocabulary') continue
      n++
      if (d.language === s.language) right++
    }
    TUNED.vocabularyConfidence = Math.min(Math.floor((right / n) * 100) / 100, CLEAR - 0.01)
    console.log(`vocabulary-decided answers: ${right} of ${n} right`)
  }
  // The hint's weight per letter class, once confidences are calibrated (a clear answer is never
  // overturned): a longer text carries more evidence, so a wrong hint should move it less.
  const withHint = (set: Sample[]) =>
    HINT_RIGHT * accuracy(set, (s) => [s.language]) +
    (1 - HINT_RIGHT) * accuracy(set, (s) => [NEIGHBOUR[s.language]])
  for (const kind of ['latin', 'han'] as const) {
    const edges = LETTER_EDGES[kind]
    for (let c = 0; c <= edges.length; c++) {
      const inClass = all.filter((s) => {
        const counts = countScripts(s.text)
        return (
          scriptVerdict(counts).kind === kind &&
          binOf(kind === 'latin' ? counts.latin : counts.han, edges) === c
        )
      })
      search(
        `hintRatio.${kind}[${c}] (n ${inClass.length})`,
        () => TUNED.hintRatio[kind][c] as number,
        (v) => {
          TUNED.hintRatio[kind][c] = v
        },
        // Past 20 Latin letters a text is more often content (a message, a name) than the app's
        // own UI string, and the hint is right less often than HINT_RIGHT: no more than a
        // tenth there. (Unbounded, the tuner takes 2 for 21–40 letters, and a wrong hint then
        // overturns 41–120-character held-out texts: 99.7 → 99.3 %.)
        kind === 'latin' && c >= 3 ? [1, 1.1] : [1, 1.1, 1.25, 1.5, 2, 3, 5],
        () => withHint(inClass),
      )
    }
  }
  // Answers the hint decided against the text's lean: right when the hint was.
  let decided = 0
  let decidedRight = 0
  for (const s of all) {
    const own = detectLanguageSync(s.text).language
    for (const [hint, weight] of [
      [s.language, HINT_RIGHT],
      [NEIGHBOUR[s.language], 1 - HINT_RIGHT],
    ] as const) {
      const r = detectLanguageSync(s.text, { languageHint: [hint] })
      if (r.source !== 'ngram' || r.language === own || r.language !== hint) continue
      decided += weight
      if (r.language === s.language) decidedRight += weight
    }
  }
  TUNED.hintDecidedConfidence = Math.floor((decidedRight / decided) * 100) / 100
  console.log(`hint-decided answers: ${(decidedRight / decided).toFixed(3)} right (weighted)`)

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
