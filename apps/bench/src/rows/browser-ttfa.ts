/**
 * @module rows/browser-ttfa — row 9: what a person hears. @tts/client's browser entry in real
 * Chromium (Web Audio streaming player, IndexedDB cache) speaking through the edge under
 * wrangler dev, the emulator at the XTTS profile. Time from the `speak()` call to the first
 * audible sample (the player's scheduled context time of the first non-silent sample, mapped to
 * `performance.now()`), for: uncached 200 and 2,000 characters, a local-cache repeat, an edge
 * hit; and P50/P95/P99 over a seeded Zipf workload of app sentences with its hit rates.
 */
import {
  CHROMIUM,
  chromiumInstalled,
  launchChromiumBrowser,
} from '../../../../scripts/chromium.mjs'
import { startPageServer } from '../browser/server.ts'
import { type Figure, type Loss, measured, notMeasured, type RowResult } from '../result/index.ts'
import { round, summarize } from '../stats/index.ts'
import { generateWorkload } from '../workload/index.ts'
import { type RowContext, XTTS_PROFILE } from './context.ts'

interface Spoken {
  firstAudioMs: number | undefined
  provider: string | undefined
  edgeCache: string | undefined
  error: string | undefined
}

/**
 * @example
 * const row = await browserTtfaRow(ctx)
 */
export async function browserTtfaRow(ctx: RowContext): Promise<RowResult> {
  const base = { id: 9, title: 'Time to first audio in the browser (real Chromium, XTTS profile)' }
  const trials = 5
  const workloadOptions = {
    seed: 20_261_205,
    sentences: 120,
    requests: 300,
    exponent: 1.1,
    minSentences: 1,
    maxSentences: 1,
  }
  const settings = { trials, workload: workloadOptions, emulatorProfile: XTTS_PROFILE }
  const method =
    "From the speak() call to the first audible sample: the Web Audio player's context time for the first sample above -54 dBFS, mapped to performance.now() through getOutputTimestamp() (output latency included). Each case is a fresh text (run nonce) unless it is a repeat. Local-cache repeat: the text was synthesize()d first in the same page (IndexedDB). Edge hit: put in the edge's cache by a client without local cache, then spoken by it. Workload: seeded Zipf (s=1.1) over 120 app sentences, 300 speak() calls, one page, IndexedDB cache; every call stops after its first audible sample, once the answer's last byte is in (so it is cached as after a full listen, and the edge sees no caller leave mid-stream). The box is shared with other work: figures are noisy."
  if (!chromiumInstalled()) {
    return {
      ...base,
      figures: [notMeasured('first audio', 'ms', `no Chromium at ${CHROMIUM}`)],
      findings: [],
      losses: [],
      settings,
      method,
      durationS: 0,
    }
  }
  await ctx.emulator.latency(XTTS_PROFILE)
  const server = await startPageServer(ctx.tmp, ctx.edge.url, ctx.edge.apiKey)
  const browser = await launchChromiumBrowser()
  try {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(server.url)
    await page.waitForFunction(() => document.title === 'ready')
    type Bench = {
      speak(t: string, o: { cache: boolean; waitForBody: boolean }): Promise<Spoken>
      fill(t: string, local: boolean): Promise<void>
    }
    // Every call waits for the answer's last byte before it stops: the edge counts a caller
    // leaving mid-stream as an upstream failure, and five of those open its circuit.
    const speak = async (text: string, cache: boolean, waitForBody = true) => {
      const out = await page.evaluate(
        ([t, c, w]) =>
          (globalThis as unknown as { bench: Bench }).bench.speak(t as string, {
            cache: c as boolean,
            waitForBody: w as boolean,
          }),
        [text, cache, waitForBody] as const,
      )
      if (out.error || out.firstAudioMs === undefined)
        throw new Error(`speak() failed: ${out.error ?? 'no audible sample'}`)
      return out
    }
    const fill = (text: string, local: boolean) =>
      page.evaluate(
        ([t, l]) =>
          (globalThis as unknown as { bench: Bench }).bench.fill(t as string, l as boolean),
        [text, local] as const,
      )
    // A first answer warms the page (module, IndexedDB, AudioContext) and the edge's isolate.
    await speak(ctx.freshText(40), true)

    const cases: { label: string; times: number[] }[] = []
    const run = async (label: string, one: () => Promise<Spoken>) => {
      ctx.log(`row 9: ${label}, ${trials} trials`)
      const times: number[] = []
      for (let i = 0; i < trials; i++) times.push((await one()).firstAudioMs as number)
      cases.push({ label, times })
      return summarize(times)
    }
    const short = await run('uncached 200 chars', () => speak(ctx.freshText(200), false))
    const long = await run('uncached 2,000 chars', () => speak(ctx.freshText(2000), false))
    const repeat = await run('local-cache repeat', async () => {
      const text = ctx.freshText(200)
      await fill(text, true)
      const out = await speak(text, true)
      if (out.provider !== 'cache') throw new Error(`a repeat came from ${out.provider}`)
      return out
    })
    const edgeHit = await run('edge hit', async () => {
      const text = ctx.freshText(200)
      await fill(text, false)
      const out = await speak(text, false)
      if (out.edgeCache !== 'HIT') throw new Error(`an edge hit was ${out.edgeCache}`)
      return out
    })

    const workload = generateWorkload(workloadOptions)
    ctx.log(`row 9: Zipf workload, ${workload.requests.length} speak() calls`)
    // The bank gets this run's nonce so no sentence is in a cache from an earlier run.
    const nonce = ctx.freshText(1).split(' ')[1] ?? 'x'
    const all: number[] = []
    const misses: number[] = []
    let localHits = 0
    let edgeHits = 0
    for (const request of workload.requests) {
      const out = await speak(`${request} (${nonce})`, true)
      all.push(out.firstAudioMs as number)
      if (out.provider === 'cache') localHits++
      else if (out.edgeCache === 'HIT' || out.edgeCache === 'STALE') edgeHits++
      else misses.push(out.firstAudioMs as number)
    }
    const w = summarize(all)
    const n = workload.requests.length
    const hitRate = (localHits + edgeHits) / n

    const pair = (label: string, s: ReturnType<typeof summarize>, note?: string): Figure[] => [
      measured(`${label}: first audio median`, round(s.p50), 'ms', note),
      measured(`${label}: first audio max`, round(s.max), 'ms'),
    ]
    const figures: Figure[] = [
      ...pair('uncached 200 chars', short, 'goal ≤ 750 ms (upstream first chunk 600 ms + 150 ms)'),
      ...pair('uncached 2,000 chars', long),
      ...pair('local-cache repeat', repeat, 'goal ≤ 100 ms'),
      ...pair('edge hit', edgeHit),
      measured('workload: first audio P50', round(w.p50), 'ms'),
      measured('workload: first audio P95', round(w.p95), 'ms', 'goal ≤ 500 ms'),
      measured('workload: first audio P99', round(w.p99), 'ms'),
      measured('workload: hit rate (local cache + edge)', round(hitRate * 100), '%'),
      measured('workload: local-cache hit rate', round((localHits / n) * 100), '%'),
      measured('workload: misses, first audio median', round(summarize(misses).p50), 'ms'),
    ]
    const findings = [
      `streamed playback: uncached 200 chars heard after ${round(short.p50)} ms (median), while the synthesis of the whole text takes seconds more`,
      `workload: ${misses.length} misses of ${n} calls decide its P95 (${round(w.p95)} ms)`,
    ]
    const losses: Loss[] = []
    if (short.p50 > 750)
      losses.push({
        what: `uncached 200 chars: first audio ${round(short.p50)} ms, over the 750 ms goal`,
        close:
          'the edge holds its answer until its first encoded bytes; the player schedules 30 ms ahead; a busy shared box adds the rest',
      })
    if (repeat.p50 > 100)
      losses.push({
        what: `local-cache repeat: ${round(repeat.p50)} ms, over the 100 ms goal`,
        close: 'IndexedDB read + AES-GCM decryption of the whole file before the first buffer',
      })
    if (w.p95 > 500) {
      losses.push({
        what: `workload P95 ${round(w.p95)} ms at a ${round(hitRate * 100)} % hit rate, over the 500 ms goal`,
        close:
          "a miss's first audio is the upstream's first chunk (~600 ms) plus the edge, so P95 ≤ 500 ms needs misses under 5 % of calls (a hit rate of 95 % or more): prefetch the app's sentences, or an upstream with a faster first chunk",
      })
    }
    return {
      ...base,
      figures,
      findings,
      losses,
      settings: { ...settings, cases: cases.map((c) => ({ ...c, times: c.times.map(round) })) },
      method,
      durationS: 0,
    }
  } finally {
    await browser.close()
    await server.close()
  }
}
