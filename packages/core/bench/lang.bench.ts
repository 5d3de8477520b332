/**
 * @module bench/lang.bench — compares language detectors on UDHR snippets (1–3 words, 20–40 and
 * 60–120 characters) in XTTS's 17 languages: accuracy per language and bucket, detections per
 * second on 20–40-character texts, and start-up time (a fresh Node process importing the
 * library and running one detection). Every library is restricted to the 17 languages.
 *
 *   cd packages/core && node bench/lang.bench.ts [--quick]
 *
 * Prints tables and writes bench/results/lang.json at the repo root. Caveats: franc's models
 * are trained on the UDHR itself, so its figures here overstate it on other text; and tts-core's
 * weights and confidence table are tuned on these snippets too (bench/tune-lang.ts), so the
 * figures to quote are the held-out ones of bench/ui.bench.ts.
 */

import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { XTTS_LANGUAGES, type XttsLanguage } from '../src/lang/index.ts'
import { contenders, type Detect } from './lang-contenders.ts'
import { loadDeclarations } from './udhr-node.ts'
import { BUCKETS, type Bucket, snippets, wordRuns } from './udhr-samples.ts'

const quick = process.argv.includes('--quick')
const declarations = loadDeclarations()
const samples = {} as Record<XttsLanguage, Record<Bucket, string[]>>
for (const language of XTTS_LANGUAGES) {
  samples[language] = {} as Record<Bucket, string[]>
  for (const bucket of BUCKETS)
    samples[language][bucket] = snippets(declarations[language], language, bucket)
}

// How many 1–3-word snippets also occur word for word in another language's declaration.
const runs = XTTS_LANGUAGES.map((l) => [l, wordRuns(declarations[l], l)] as const)
const shared = Object.fromEntries(
  XTTS_LANGUAGES.map((language) => {
    const texts = samples[language].words
    const ambiguous = texts.filter((t) =>
      runs.some(([other, set]) => other !== language && set.has(t.toLowerCase())),
    )
    return [language, ambiguous.length / texts.length]
  }),
) as Record<XttsLanguage, number>
const sharedAll =
  XTTS_LANGUAGES.reduce((n, l) => n + shared[l] * samples[l].words.length, 0) /
  XTTS_LANGUAGES.reduce((n, l) => n + samples[l].words.length, 0)

function startupMs(source: string): number {
  const code = `const t0 = performance.now(); ${source}; console.log(performance.now() - t0)`
  const runs = quick ? 1 : 3
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    })
    times.push(Number(out.trim()))
  }
  return Math.min(...times)
}

function throughput(detect: Detect): number {
  const texts = XTTS_LANGUAGES.flatMap((l) => samples[l].short)
  let n = 0
  const start = performance.now()
  const budget = quick ? 300 : 1500
  while (performance.now() - start < budget) {
    for (const text of texts) detect(text)
    n += texts.length
  }
  return Math.round(n / ((performance.now() - start) / 1000))
}

interface Result {
  name: string
  startupMs: number
  detectionsPerSecond: number
  accuracy: Record<Bucket, number>
  perLanguage: Record<XttsLanguage, Record<Bucket, number>>
  errors: Record<Bucket, Record<string, number>>
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}`.padStart(5)
const results: Result[] = []
for (const contender of contenders) {
  const detect = await contender.setup()
  const perLanguage = {} as Result['perLanguage']
  const totals = { words: [0, 0], short: [0, 0], long: [0, 0] } as Record<Bucket, [number, number]>
  const errors = { words: {}, short: {}, long: {} } as Result['errors']
  for (const language of XTTS_LANGUAGES) {
    perLanguage[language] = {} as Record<Bucket, number>
    for (const bucket of BUCKETS) {
      const texts = samples[language][bucket]
      let ok = 0
      for (const text of texts) {
        const got = detect(text)
        if (got === language) ok++
        else {
          const key = `${language}→${got}`
          errors[bucket][key] = (errors[bucket][key] ?? 0) + 1
        }
      }
      perLanguage[language][bucket] = ok / texts.length
      totals[bucket][0] += ok
      totals[bucket][1] += texts.length
    }
  }
  const accuracy = Object.fromEntries(
    BUCKETS.map((b) => [b, totals[b][0] / totals[b][1]]),
  ) as Record<Bucket, number>
  const result: Result = {
    name: contender.name,
    startupMs: Math.round(startupMs(contender.init)),
    detectionsPerSecond: throughput(detect),
    accuracy,
    perLanguage,
    errors,
  }
  results.push(result)
  console.log(`\n${contender.name}  (accuracy %, per language)`)
  console.log(`lang   ${BUCKETS.map((b) => b.padStart(6)).join('')}`)
  for (const language of XTTS_LANGUAGES) {
    console.log(
      `${language.padEnd(6)} ${BUCKETS.map((b) => ` ${pct(perLanguage[language][b])}`).join('')}`,
    )
  }
  console.log(`ALL    ${BUCKETS.map((b) => ` ${pct(accuracy[b])}`).join('')}`)
  const worst = (b: Bucket) =>
    Object.entries(errors[b])
      .sort((x, y) => y[1] - x[1])
      .slice(0, 6)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')
  console.log(`most common errors (1–3 words): ${worst('words')}`)
  console.log(`most common errors (20–40 chars): ${worst('short')}`)
}

const counts = Object.fromEntries(
  BUCKETS.map((b) => [b, XTTS_LANGUAGES.reduce((n, l) => n + samples[l][b].length, 0)]),
)
console.log(
  `\nsummary (snippets: 1–3 words ${counts.words}, 20–40 chars ${counts.short}, 60–120 chars ${counts.long})`,
)
console.log('library          1–3 words  20–40 ch  60–120 ch   det/s (20–40 ch)  start-up ms')
for (const r of results) {
  console.log(
    `${r.name.padEnd(16)} ${pct(r.accuracy.words).padStart(9)} ${pct(r.accuracy.short).padStart(9)} ${pct(r.accuracy.long).padStart(10)} ${String(r.detectionsPerSecond).padStart(15)} ${String(r.startupMs).padStart(12)}`,
  )
}

// The ported scorer on trimmed data must answer exactly as eld-large restricted the same way.
{
  const { guessHan, guessLatin, LATIN_LANGUAGES } = await import('../src/lang/ngram.ts')
  type Eld = {
    newInstance(): Eld
    setLanguageSubset(l: string[]): unknown
    detect(t: string): { language: string }
  }
  const { eld } = (await import('eld/large')) as unknown as { eld: Eld }
  const latin = eld.newInstance()
  latin.setLanguageSubset([...LATIN_LANGUAGES])
  const han = eld.newInstance()
  han.setLanguageSubset(['zh', 'ja'])
  let same = 0
  let total = 0
  for (const language of XTTS_LANGUAGES) {
    for (const bucket of BUCKETS) {
      for (const text of samples[language][bucket]) {
        total++
        const ours = `${guessLatin(text)?.language ?? ''}/${guessHan(text)?.language ?? ''}`
        if (ours === `${latin.detect(text).language}/${han.detect(text).language}`) same++
      }
    }
  }
  console.log(
    `\nparity with eld-large (same subsets): ${same} of ${total} snippets answered the same`,
  )
}

// Is tts-core's confidence worth reading? Accuracy and coverage above a few thresholds.
const { detectLanguageSync } = await import('../src/lang/index.ts')
const thresholds = [0, 0.5, 0.7, 0.8, 0.9, 0.95]
const calibration = Object.fromEntries(
  BUCKETS.map((bucket) => {
    const judged = XTTS_LANGUAGES.flatMap((language) =>
      samples[language][bucket].map((text) => {
        const r = detectLanguageSync(text)
        return [r.confidence, r.language === language] as const
      }),
    )
    return [
      bucket,
      thresholds.map((min) => {
        const kept = judged.filter(([c]) => c >= min)
        return {
          min,
          coverage: kept.length / judged.length,
          accuracy: kept.filter(([, ok]) => ok).length / kept.length,
        }
      }),
    ]
  }),
) as Record<Bucket, { min: number; coverage: number; accuracy: number }[]>
console.log('\ntts-core accuracy (coverage) when only results with confidence ≥ min are kept')
console.log(`bucket ${thresholds.map((t) => `≥${t}`.padStart(14)).join('')}`)
for (const bucket of BUCKETS) {
  const cells = calibration[bucket].map((c) =>
    `${pct(c.accuracy)} (${pct(c.coverage).trim()})`.padStart(14),
  )
  console.log(`${bucket.padEnd(6)} ${cells.join('')}`)
}

console.log(
  `\n1–3-word snippets that also occur word for word in another language's declaration: ${pct(sharedAll)} %`,
)
console.log(
  XTTS_LANGUAGES.filter((l) => shared[l] > 0)
    .map((l) => `${l} ${pct(shared[l]).trim()}`)
    .join(', '),
)

const outDir = new URL('../../../bench/results/', import.meta.url)
mkdirSync(outDir, { recursive: true })
const out = new URL('lang.json', outDir)
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, samples: counts, sharedWordSnippets: { all: sharedAll, ...shared }, calibration, results }, null, 2)}\n`,
)
console.log(`\nwrote ${fileURLToPath(out)}`)
