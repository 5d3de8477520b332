/**
 * @module rows/offload — row 3: GPU offload on a seeded Zipf workload of sentences combined
 * into paragraphs. Emulator synthesis-seconds per 1,000 requests for (a) no cache, (b) a cache
 * keyed on the hash of the whole request (as Portkey or Home Assistant's TTS cache do),
 * simulated honestly in the harness in front of the emulator, (c) ours, through the edge.
 */
import { createHash } from 'node:crypto'
import { speechInit, timedFetch } from '../http/index.ts'
import { type Loss, measured, type RowResult } from '../result/index.ts'
import { round } from '../stats/index.ts'
import { generateWorkload } from '../workload/index.ts'
import { FAST_PROFILE, type RowContext } from './context.ts'

/** The emulator's stats once it has counted a synthesis past `syntheses` (it counts at the end). */
async function statsAfter(ctx: RowContext, syntheses: number) {
  for (let i = 0; i < 100; i++) {
    const stats = await ctx.emulator.stats()
    if (stats.syntheses > syntheses) return stats
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('the emulator never counted the synthesis')
}

/**
 * @example
 * const row = await offloadRow(ctx)
 */
export async function offloadRow(ctx: RowContext): Promise<RowResult> {
  const options = {
    seed: 20_261_125,
    sentences: ctx.quick ? 80 : 300,
    requests: ctx.quick ? 150 : 1000,
    exponent: 1.1,
    minSentences: 1,
    maxSentences: 4,
  }
  const workload = generateWorkload(options)
  // Seconds of audio are what the GPU spends (× RTF); the latency model only adds waiting.
  await ctx.emulator.latency(FAST_PROFILE)
  const emu = `${ctx.emulator.url}/v1/audio/speech`

  // (b) whole-request hash cache in front of the emulator; it also measures each distinct
  // request's synthesis seconds, which (a) sums per request.
  ctx.log(`row 3: whole-request cache over ${options.requests} requests`)
  await ctx.emulator.reset()
  const secondsOf = new Map<string, number>()
  let wholeHits = 0
  for (const text of workload.requests) {
    const init = speechInit(text, { format: 'wav' })
    const key = createHash('sha256').update(`${emu}\n${init.body}`).digest('hex')
    if (secondsOf.has(key)) {
      wholeHits++
      continue
    }
    const before = await ctx.emulator.stats()
    const t = await timedFetch(emu, init)
    if (t.status !== 200) throw new Error(`emulator answered ${t.status}`)
    secondsOf.set(key, (await statsAfter(ctx, before.syntheses)).audioSeconds - before.audioSeconds)
  }
  const whole = await ctx.emulator.stats()

  // (a) no cache: every request synthesized. The emulator is deterministic (checked below), so
  // each request costs what its text cost when first synthesized.
  let noCacheSeconds = 0
  for (const text of workload.requests) {
    const init = speechInit(text, { format: 'wav' })
    const key = createHash('sha256').update(`${emu}\n${init.body}`).digest('hex')
    noCacheSeconds += secondsOf.get(key) ?? Number.NaN
  }
  const probe = workload.requests[0] as string
  const before = await ctx.emulator.stats()
  await timedFetch(emu, speechInit(probe, { format: 'wav' }))
  const again = (await statsAfter(ctx, before.syntheses)).audioSeconds - before.audioSeconds
  const firstKey = createHash('sha256')
    .update(`${emu}\n${speechInit(probe, { format: 'wav' }).body}`)
    .digest('hex')
  const determinismDelta = Math.abs(again - (secondsOf.get(firstKey) ?? Number.NaN))

  // (c) ours: every request through the edge, one at a time.
  ctx.log(`row 3: ours over ${options.requests} requests`)
  await ctx.emulator.reset()
  let edgeHits = 0
  for (const text of workload.requests) {
    const t = await timedFetch(
      `${ctx.edge.url}/v1/audio/speech`,
      speechInit(text, { apiKey: ctx.edge.apiKey, format: 'wav' }),
    )
    if (t.status !== 200) throw new Error(`edge answered ${t.status}`)
    if (t.headers.get('x-tts-cache') === 'HIT') edgeHits++
  }
  const ours = await ctx.emulator.stats()
  const totalSentences = workload.requests.reduce(
    (n, r) => n + (r.match(/[.!?](\s|$)/g)?.length ?? 1),
    0,
  )

  const per1000 = (x: number) => round((x / options.requests) * 1000)
  const figures = [
    measured('no cache: synthesis-seconds / 1,000 req', per1000(noCacheSeconds), 's'),
    measured(
      'whole-request cache: synthesis-seconds / 1,000 req',
      per1000(whole.audioSeconds),
      's',
    ),
    measured('ours: synthesis-seconds / 1,000 req', per1000(ours.audioSeconds), 's'),
    measured('whole-request cache: hit rate', round(wholeHits / options.requests), 'share'),
    measured('ours: whole-answer hit rate', round(edgeHits / options.requests), 'share'),
    measured(
      'ours: sentence-level hit rate',
      round(1 - ours.syntheses / totalSentences),
      'share',
      'sentences not sent upstream / sentences requested',
    ),
    measured('whole-request cache: upstream calls / 1,000 req', per1000(whole.syntheses), 'calls'),
    measured('ours: upstream calls / 1,000 req', per1000(ours.syntheses), 'calls'),
  ]
  const findings = [
    `ours spends ${round(ours.audioSeconds / whole.audioSeconds)}× the GPU seconds of a whole-request cache and ${round(ours.audioSeconds / noCacheSeconds)}× of no cache`,
  ]
  const losses: Loss[] = []
  if (ours.audioSeconds > whole.audioSeconds) {
    losses.push({
      what: `GPU offload: ours synthesized more audio than the whole-request cache (${round(ours.audioSeconds)} s vs ${round(whole.audioSeconds)} s)`,
      close:
        'sentence audio is cached after the response is sent (waitUntil); back-to-back requests can miss it',
    })
  }
  if (ours.syntheses > whole.syntheses) {
    findings.push(
      `ours makes ${round(ours.syntheses / whole.syntheses)}× the upstream calls (one per new sentence), while synthesizing less audio`,
    )
  }
  return {
    id: 3,
    title: 'GPU offload on a Zipf workload (sentences in paragraphs)',
    figures,
    findings,
    losses,
    settings: {
      ...options,
      distinctRequests: workload.distinctRequests,
      distinctSentences: workload.distinctSentences,
      sentencesRequested: totalSentences,
      concurrency: 1,
      emulatorProfile: FAST_PROFILE,
      determinismCheckSeconds: round(determinismDelta),
    },
    method:
      "Synthesis-seconds = the emulator's /__stats audioSeconds (seconds of audio it produced; GPU time is that × RTF). (b) is a SHA-256 of the whole request body in front of the emulator, in the harness; (a) sums, per request, the seconds its text cost in (b) (the emulator is deterministic: re-synthesizing one text differed by determinismCheckSeconds). (c) sends every request to the edge in order, one at a time, from an empty cache. Latency is not compared here (the emulator ran without its latency model).",
    durationS: 0,
  }
}
