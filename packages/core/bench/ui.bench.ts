/**
 * @module bench/ui.bench — language detection on held-out real UI strings (bench/ui-corpus.ts:
 * CLDR units and dates, Uppy's and TinyMCE's translation files; never tuned on), in 1–3 words,
 * 20–40 and 41–120 characters: tts-core without a hint, with the right hint (the app's locale is
 * the text's language), with a wrong one (a close neighbour: pt for es, de for nl, ja for zh...),
 * beside eld-large, franc-min and tinyld restricted to the 17 languages; then the confidence's
 * calibration and the speed on 20–40-character strings.
 *
 *   cd packages/core && node bench/ui.bench.ts
 *
 * Writes bench/results/lang-ui.json at the repo root.
 */

import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  detectLanguageSync,
  initLanguageDetector,
  type LanguageDetection,
  XTTS_LANGUAGES,
  type XttsLanguage,
} from '../src/lang/index.ts'
import { lexiconSources, sourceStrings } from './gen-lexicon.ts'
import { type Contender, contenders as libraries } from './lang-contenders.ts'
import { NEIGHBOUR, tuningSamples } from './tune-lang.ts'
import {
  bucketsOf,
  evaluationSamples,
  type Sample,
  UI_BUCKET_NAMES,
  UI_BUCKETS,
  type UiBucket,
} from './ui-corpus.ts'

await initLanguageDetector()
const { samples, dropped } = evaluationSamples()
const byBucket = Object.fromEntries(
  UI_BUCKETS.map((b) => [b, samples.filter((s) => bucketsOf(s.text).includes(b))]),
) as Record<UiBucket, Sample[]>

/** A library of the comparison (`lang-contenders.ts`, shared with lang.bench.ts), on samples. */
async function library(name: string): Promise<(s: Sample) => string> {
  const contender = libraries.find((c) => c.name === name)
  if (!contender) throw new Error(`no contender named ${name} in lang-contenders.ts`)
  const detect = await contender.setup()
  return (s) => detect(s.text)
}

const eldLarge = await (libraries.find((c) => c.name === 'eld-large') as Contender).setup()

type Detect = (s: Sample) => string
const core =
  (hint: (s: Sample) => XttsLanguage[] | undefined): Detect =>
  (s) =>
    detectLanguageSync(s.text, { languageHint: hint(s) }).language
const contenders: [string, Detect][] = [
  ['tts-core', core(() => undefined)],
  ['tts-core, right hint', core((s) => [s.language])],
  ['tts-core, wrong hint', core((s) => [NEIGHBOUR[s.language]])],
  ['eld-large', (s) => eldLarge(s.text)],
  ['franc-min', await library('franc-min')],
  ['tinyld', await library('tinyld')],
]

const pct = (x: number): string => `${(x * 100).toFixed(1)}`.padStart(6)
const accuracy = (set: Sample[], detect: Detect) =>
  set.filter((s) => detect(s) === s.language).length / set.length

console.log(
  `held-out UI strings: ${samples.length} (${dropped} spelt alike in two languages dropped); ` +
    UI_BUCKETS.map((b) => `${UI_BUCKET_NAMES[b]} ${byBucket[b].length}`).join(', '),
)
const summary: Record<string, Record<UiBucket, number>> = {}
for (const [name, detect] of contenders) {
  summary[name] = Object.fromEntries(
    UI_BUCKETS.map((b) => [b, accuracy(byBucket[b], detect)]),
  ) as Record<UiBucket, number>
}
console.log('\naccuracy % by length')
console.log(
  `${'detector'.padEnd(22)}${UI_BUCKETS.map((b) => UI_BUCKET_NAMES[b].padStart(11)).join('')}`,
)
for (const [name] of contenders) {
  console.log(
    `${name.padEnd(22)}${UI_BUCKETS.map((b) => pct(summary[name]?.[b] ?? 0).padStart(11)).join('')}`,
  )
}

// Overlap: held-out strings spelt (case-insensitively) like a string the detector learnt from
// (the lexicon's app files: those copies are left out of the lexicon) or was tuned on (CLDR
// names, UDHR snippets, the lexicon's tuning quarter). Disclosed, and the accuracy without them.
const seenIn = (texts: { text: string }[]) => new Set(texts.map((t) => t.text.toLowerCase()))
const trainingSets: [string, Set<string>][] = [
  ['lexicon apps', seenIn(sourceStrings())],
  ...['cldr-names', 'udhr', 'lexicon'].map((source): [string, Set<string>] => [
    source === 'lexicon' ? 'lexicon tuning quarter' : source,
    seenIn(tuningSamples().filter((t) => t.source === source)),
  ]),
]
const overlapBy = Object.fromEntries(
  trainingSets.map(([name, set]) => [
    name,
    samples.filter((s) => set.has(s.text.toLowerCase())).length,
  ]),
)
const overlapping = samples.filter((s) =>
  trainingSets.some(([, set]) => set.has(s.text.toLowerCase())),
)
const clean = new Set(samples.filter((s) => !overlapping.includes(s)))
const cleanAccuracy = Object.fromEntries(
  UI_BUCKETS.map((b) => [
    b,
    accuracy(
      byBucket[b].filter((s) => clean.has(s)),
      contenders[0]?.[1] as Detect,
    ),
  ]),
) as Record<UiBucket, number>
console.log(
  `\noverlap: ${overlapping.length} of ${samples.length} held-out strings are spelt like a training string (${Object.entries(
    overlapBy,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ', ',
    )}; ${lexiconSources().leaked} copies in the lexicon apps' files were left out of the lexicon)`,
)
console.log(
  `tts-core without them: ${UI_BUCKETS.map((b) => `${UI_BUCKET_NAMES[b]} ${pct(cleanAccuracy[b]).trim()} % (n ${byBucket[b].filter((s) => clean.has(s)).length})`).join(', ')}`,
)

const perLanguage: Record<string, Record<string, Record<UiBucket, number>>> = {}
for (const [name, detect] of contenders.slice(0, 4)) {
  perLanguage[name] = {}
  console.log(`\n${name}: accuracy % per language (n in brackets)`)
  console.log(`lang  ${UI_BUCKETS.map((b) => UI_BUCKET_NAMES[b].padStart(16)).join('')}`)
  for (const language of XTTS_LANGUAGES) {
    const row = {} as Record<UiBucket, number>
    const cells = UI_BUCKETS.map((b) => {
      const set = byBucket[b].filter((s) => s.language === language)
      row[b] = set.length ? accuracy(set, detect) : Number.NaN
      return `${pct(row[b])} (${set.length})`.padStart(16)
    })
    perLanguage[name][language] = row
    console.log(`${language.padEnd(6)}${cells.join('')}`)
  }
}

// Calibration: is an answer given with confidence c right about c of the time?
const EDGES = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01]
const calibration: Record<string, { from: number; n: number; accuracy: number }[]> = {}
console.log('\ncalibration: accuracy % (n) of answers by confidence, all held-out strings')
console.log(
  `${'hint'.padEnd(8)}${EDGES.slice(0, -1)
    .map((e, i) => `[${e}, ${Math.min(EDGES[i + 1] as number, 1)})`.padStart(18))
    .join('')}${'≥ 0.9: right % (share)'.padStart(26)}`,
)
for (const [name, hint] of [
  ['none', () => undefined],
  ['right', (s: Sample) => [s.language]],
  ['wrong', (s: Sample) => [NEIGHBOUR[s.language]]],
] as const) {
  const judged = samples.map((s) => {
    const r: LanguageDetection = detectLanguageSync(s.text, { languageHint: hint(s) })
    return { c: r.confidence, ok: r.language === s.language, ngram: r.source === 'ngram' }
  })
  calibration[name] = EDGES.slice(0, -1).map((from, i) => {
    const cell = judged.filter((j) => j.c >= from && j.c < (EDGES[i + 1] as number))
    return { from, n: cell.length, accuracy: cell.filter((j) => j.ok).length / cell.length }
  })
  const sure = judged.filter((j) => j.c >= 0.9)
  const cells = calibration[name].map((c) => `${pct(c.accuracy)} (${c.n})`.padStart(18))
  console.log(
    `${name.padEnd(8)}${cells.join('')}${`${pct(sure.filter((j) => j.ok).length / sure.length)} (${pct(sure.length / judged.length).trim()} %)`.padStart(26)}`,
  )
  // The script decides most non-Latin text with confidence 1; the n-gram answers alone:
  const ngram = judged.filter((j) => j.ngram)
  const ngramSure = ngram.filter((j) => j.c >= 0.9)
  console.log(
    `${''.padEnd(8)}n-gram answers only: ≥ 0.9 right ${pct(ngramSure.filter((j) => j.ok).length / ngramSure.length).trim()} % (${pct(ngramSure.length / ngram.length).trim()} % of ${ngram.length}); < 0.9 right ${pct(ngram.filter((j) => j.c < 0.9 && j.ok).length / (ngram.length - ngramSure.length)).trim()} %`,
  )
}

// Speed on 20–40-character strings: the n-gram path (Latin and Han) is what costs.
const texts = byBucket.short.map((s) => s.text)
const speed: Record<string, number> = {}
for (const [name, fn] of [
  ['tts-core', (t: string) => detectLanguageSync(t)],
  ['tts-core, hint', (t: string) => detectLanguageSync(t, { languageHint: 'fr-FR' })],
  ['eld-large', eldLarge],
] as const) {
  for (const t of texts) fn(t)
  let n = 0
  const start = performance.now()
  while (performance.now() - start < 1500) {
    for (const t of texts) fn(t)
    n += texts.length
  }
  speed[name] = ((performance.now() - start) * 1000) / n
}
console.log(
  `\nspeed, µs per 20–40-character string: ${Object.entries(speed)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ')}`,
)

const outDir = new URL('../../../bench/results/', import.meta.url)
mkdirSync(outDir, { recursive: true })
const out = new URL('lang-ui.json', outDir)
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, samples: samples.length, dropped, overlap: { total: overlapping.length, by: overlapBy, withoutOverlap: cleanAccuracy }, summary, perLanguage, calibration, microsecondsPerDetection: speed }, null, 2)}\n`,
)
console.log(`wrote ${fileURLToPath(out)}`)
