/**
 * @module rows/coalescing — row 4: N concurrent identical misses through the edge, with the
 * XTTS profile. Counts upstream syntheses and the latency quantiles. Whether the edge
 * coalesces is read from its answers (`X-TTS-Cache: COALESCED`) and the emulator's count, not
 * assumed: the "with single-flight" figures exist only when the edge really coalesced.
 */
import { speechInit, timedFetch } from '../http/index.ts'
import { type Figure, type Loss, measured, notMeasured, type RowResult } from '../result/index.ts'
import { round, summarize } from '../stats/index.ts'
import { type RowContext, XTTS_PROFILE } from './context.ts'

/**
 * @example
 * const row = await coalescingRow(ctx)
 */
export async function coalescingRow(ctx: RowContext): Promise<RowResult> {
  const n = ctx.quick ? 10 : 50
  await ctx.emulator.latency(XTTS_PROFILE)
  await ctx.emulator.reset()
  const text = ctx.freshText(40)
  const init = speechInit(text, { apiKey: ctx.edge.apiKey, format: 'wav' })
  ctx.log(`row 4: ${n} concurrent identical misses`)
  const answers = await Promise.all(
    Array.from({ length: n }, () => timedFetch(`${ctx.edge.url}/v1/audio/speech`, init)),
  )
  const stats = await ctx.emulator.stats()
  const ok = answers.filter((a) => a.status === 200)
  if (ok.length < n) {
    const statuses = [...new Set(answers.map((a) => a.status))].join(', ')
    throw new Error(`${n - ok.length} of ${n} requests failed (statuses ${statuses})`)
  }
  const coalesced = answers.filter((a) => a.headers.get('x-tts-cache') === 'COALESCED').length
  const latency = summarize(ok.map((a) => a.totalMs))
  const singleFlight = coalesced > 0 || stats.syntheses < n
  const label = singleFlight
    ? 'with single-flight (edge as built)'
    : 'without single-flight (edge as built)'
  const figures: Figure[] = [
    measured(`${label}: upstream syntheses`, stats.syntheses, 'syntheses', `for ${n} requests`),
    measured(`${label}: p50`, round(latency.p50), 'ms'),
    measured(`${label}: p95`, round(latency.p95), 'ms'),
    measured(`${label}: answers COALESCED`, coalesced, 'answers'),
  ]
  const why = `the edge has no single-flight yet (issue 5): ${n} identical misses made ${stats.syntheses} upstream syntheses and no answer said COALESCED`
  if (!singleFlight) {
    figures.push(notMeasured('with single-flight: upstream syntheses', 'syntheses', why))
    figures.push(notMeasured('with single-flight: p95', 'ms', why))
  } else {
    figures.push(
      notMeasured(
        'without single-flight',
        'syntheses',
        'the edge coalesces and has no switch to turn it off; N identical misses without it cost N syntheses by construction',
      ),
    )
  }
  const losses: Loss[] = []
  if (!singleFlight) {
    losses.push({
      what: `coalescing: ${n} identical concurrent misses cost ${stats.syntheses} GPU syntheses, queued one at a time (p95 ${round(latency.p95)} ms)`,
      close:
        'single-flight in the UpstreamPool Durable Object (issue 5): the first miss synthesizes, the others wait for its audio and answer COALESCED, so N requests cost one synthesis and about one synthesis of latency',
    })
  }
  return {
    id: 4,
    title: `Coalescing ${n} concurrent identical misses`,
    figures,
    findings: [`${ok.length}/${n} answered 200`],
    losses,
    settings: {
      concurrent: n,
      textChars: text.length,
      format: 'wav',
      emulatorProfile: XTTS_PROFILE,
    },
    method:
      'All requests sent at once to the edge for one text new to the cache; syntheses from the emulator’s /__stats; latency per request at the harness.',
    durationS: 0,
  }
}
