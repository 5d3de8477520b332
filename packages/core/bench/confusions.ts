/**
 * @module bench/confusions — which language pairs the detector confuses on the held-out UI
 * strings, as counts per bucket (true → detected), without printing any string: the figures
 * that say which rule to work on, never the strings to tune on.
 *
 *   cd packages/core && node bench/confusions.ts
 */

import { detectLanguageSync, initLanguageDetector } from '../src/lang/index.ts'
import { bucketsOf, evaluationSamples, UI_BUCKET_NAMES, UI_BUCKETS } from './ui-corpus.ts'

await initLanguageDetector()
const { samples } = evaluationSamples()
for (const bucket of UI_BUCKETS) {
  const set = samples.filter((s) => bucketsOf(s.text).includes(bucket))
  const pairs = new Map<string, number>()
  const bySource = new Map<string, [number, number]>()
  for (const s of set) {
    const got = detectLanguageSync(s.text).language
    const src = bySource.get(s.source) ?? [0, 0]
    src[1]++
    if (got !== s.language) {
      const pair = `${s.language}→${got}`
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1)
    } else src[0]++
    bySource.set(s.source, src)
  }
  const wrong = [...pairs.values()].reduce((a, b) => a + b, 0)
  console.log(`\n${UI_BUCKET_NAMES[bucket]}: ${wrong} wrong of ${set.length}`)
  console.log(
    [...pairs]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([p, n]) => `${p} ${n}`)
      .join(', '),
  )
  console.log(
    [...bySource].map(([k, [ok, n]]) => `${k} ${((ok / n) * 100).toFixed(1)} % of ${n}`).join(', '),
  )
}
