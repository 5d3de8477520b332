/**
 * @module rows/offload — row 3: GPU offload on a seeded Zipf workload of sentences combined
 * into paragraphs. Emulator synthesis-seconds per 1,000 requests for (a) no cache, (b) a cache
 * keyed on the hash of the whole request (as Portkey or Home Assistant's TTS cache do),
 * simulated honestly in the harness in front of the emulator, (c) ours, through the edge.
 */
import { createHash } from 'node:crypto'
import { speechInit, timedFetch } from '../http/index.ts'
import { type Loss, measured, type RowResult } from '../result/index.ts'
import type { Emulator } from '../services/emulator.ts'
import { round } from '../stats/index.ts'
import { generateWorkload } from '../workload/index.ts'
import { FAST_PROFILE, type RowContext } from './context.ts'

/** The emulator's stats once it has counted a synthesis past `syntheses` (it counts at the end). */
async function statsAfter(emulator: Emulator, syntheses: number) {
  for (let i = 0; i < 100; i++) {
    const stats = await emulator.stats()
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
    sentences: ctx.quick ? 50 : 300,
    requests: ctx.quick ? 80 : 1000,
    exponent: 1.1,
    minSentences: 1,
    maxSentences: 4,
  }
  const workload = generateWorkload(options)
  // Seconds of audio are what the GPU spends (× RTF); the latency model only adds waiting.
  await ctx.emulator.latency(FAST_PROFILE)

  // (b) whole-request hash cache in front of a second emulator, beside (c) ours through the
  // edge in front of the first: the two passes share nothing but the machine. (b) also measures
  // each distinct request's synthesis seconds, which (a) sums per request.
  const baseline = await ctx.baselineEmulator
  await Promise.all([baseline.latency(FAST_PROFILE), baseline.reset(), ctx.emulator.reset()])
  const emu = `${baseline.url}/v1/audio/speech`
  const keyOf = (text: string) =>
    createHash('sha256')
      .update(speechInit(text, { format: 'wav' }).body)
      .digest('hex')
  const secondsOf = new Map<string, number>()
  let wholeHits = 0
  const wholePass = async () => {
    for (const text of workload.requests) {
      const key = keyOf(text)
      if (secondsOf.has(key)) {
        wholeHits++
        continue
      }
      const before = await baseline.stats()
      const t = await timedFetch(emu, speechInit(text, { format: 'wav' }))
      if (t.status !== 200) throw new Error(`emulator answered ${t.status}`)
      const after = await statsAfter(baseline, before.syntheses)
      secondsOf.set(key, after.audioSeconds - before.audioSeconds)
    }
    return baseline.stats()
  }
  let edgeHits = 0
  const oursPass = async () => {
    for (const text of workload.requests) {
      const t = await timedFetch(
        `${ctx.edge.url}/v1/audio/speech`,
        speechInit(text, { apiKey: ctx.edge.apiKey, format: 'wav' }),
      )
      if (t.status !== 200) throw new Error(`edge answered ${t.status}`)
      if (t.headers.get('x-tts-cache') === 'HIT') edgeHits++
    }
    return ctx.emulator.stats()
  }
  ctx.log(`row 3: ${options.requests} requests, whole-request cache and ours side by side`)
  const [whole, ours] = await Promise.all([wholePass(), oursPass()])

  // (a) no cache: every request synthesized. The emulator is deterministic (checked below), so
  // each request costs what its text cost when first synthesized.
  let noCacheSeconds = 0
  for (const text of workload.requests) noCacheSeconds += secondsOf.get(keyOf(text)) ?? Number.NaN
  const probe = workload.requests[0] as string
  const before = await baseline.stats()
  await timedFetch(emu, speechInit(probe, { format: 'wav' }))
  const again = (await statsAfter(baseline, before.syntheses)).audioSeconds - before.audioSeconds
  const determinismDelta = Math.abs(again - (secondsOf.get(keyOf(probe)) ?? Number.NaN))

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
      "Synthesis-seconds = the emulator's /__stats audioSeconds (seconds of audio it produced; GPU time is that × RTF). (b) is a SHA-256 of the whole request body in front of the emulator, in the harness; (a) sums, per request, the seconds its text cost in (b) (the emulator is deterministic: re-synthesizing one text differed by determinismCheckSeconds). (c) sends every request to the edge in order, one at a time, from an empty cache, while (b) runs against a second emulator. Latency is not compared here (the emulator ran without its latency model).",
    durationS: 0,
  }
}
