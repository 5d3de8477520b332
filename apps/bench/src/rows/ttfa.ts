/**
 * @module rows/ttfa — row 2: time to first audio on uncached text with the XTTS latency
 * profile. (a) ~200 characters through the edge, whole-file answer vs `stream: true`; (b) a
 * long text: the edge's sentence-split stream vs whole-text synthesis by the upstream (`/tts`,
 * one synthesis of the entire text, as a client calling XTTS directly gets it).
 */
import { speechInit, type Timed, timedFetch } from '../http/index.ts'
import { type Figure, type Loss, measured, type RowResult } from '../result/index.ts'
import { round, summarize } from '../stats/index.ts'
import { FAST_PROFILE, type RowContext, XTTS_PROFILE } from './context.ts'

const WAV_HEADER = 44

async function trials(n: number, run: () => Promise<Timed>): Promise<Timed[]> {
  const out: Timed[] = []
  for (let i = 0; i < n; i++) {
    const t = await run()
    if (t.status !== 200) throw new Error(`answered ${t.status}`)
    out.push(t)
  }
  return out
}

const p50 = (xs: Timed[], pick: (t: Timed) => number) => round(summarize(xs.map(pick)).p50)

/**
 * @example
 * const row = await ttfaRow(ctx)
 */
export async function ttfaRow(ctx: RowContext): Promise<RowResult> {
  const n = ctx.quick ? 1 : 3
  const shortChars = 200
  const longChars = ctx.quick ? 300 : 2000
  await ctx.emulator.latency(XTTS_PROFILE)
  const speech = `${ctx.edge.url}/v1/audio/speech`
  const edge = (text: string, stream: boolean, stop: boolean) =>
    timedFetch(speech, speechInit(text, { apiKey: ctx.edge.apiKey, format: 'wav', stream }), {
      skipBytes: WAV_HEADER,
      stopAfterFirstAudio: stop,
    })

  // XTTS's /tts (one synthesis of the whole text, base64 WAV in JSON at the end) on the second
  // emulator, with the same profile, while the edge is measured against the first: it shares
  // nothing with them but the machine, and it is the slowest measurement of the row.
  const baseline = await ctx.baselineEmulator
  await baseline.latency(XTTS_PROFILE)
  const speakers = (await (await fetch(`${baseline.url}/studio_speakers`)).json()) as Record<
    string,
    { speaker_embedding: number[]; gpt_cond_latent: number[][] }
  >
  const latents = speakers['Claribel Dervla'] ?? Object.values(speakers)[0]
  const ttfsText = ctx.freshText(longChars)
  const upstreamTtsRun = trials(1, () =>
    timedFetch(`${baseline.url}/tts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...latents, text: ttfsText, language: 'en' }),
    }),
  )
  upstreamTtsRun.catch(() => {})

  ctx.log(`row 2: ${shortChars} chars, whole vs stream, ${n} trial(s) each`)
  const whole = await trials(n, () => edge(ctx.freshText(shortChars), false, false))
  const stream = await trials(n, () => edge(ctx.freshText(shortChars), true, ctx.quick))

  ctx.log(`row 2: ${longChars} chars, edge split stream vs upstream whole-text /tts`)
  // In quick mode only the first audio of the long stream is awaited: its total is not a row.
  const longStream = await trials(1, () => edge(ctx.freshText(longChars), true, ctx.quick))
  const upstreamStream = await trials(1, () =>
    timedFetch(
      `${ctx.emulator.url}/v1/audio/speech`,
      speechInit(ctx.freshText(longChars), { format: 'wav' }),
      { skipBytes: WAV_HEADER, stopAfterFirstAudio: ctx.quick },
    ),
  )
  const upstreamTts = await upstreamTtsRun
  await baseline.latency(FAST_PROFILE)
  const figures: Figure[] = [
    measured(
      `${shortChars} chars, whole file: first audio p50`,
      p50(whole, (t) => t.firstAudioMs),
      'ms',
    ),
    measured(
      `${shortChars} chars, stream: first audio p50`,
      p50(stream, (t) => t.firstAudioMs),
      'ms',
    ),
    measured(
      `${longChars} chars, edge split stream: first audio`,
      p50(longStream, (t) => t.firstAudioMs),
      'ms',
    ),
    measured(
      `${longChars} chars, upstream whole-text stream: first audio`,
      p50(upstreamStream, (t) => t.firstAudioMs),
      'ms',
      'emulator /v1/audio/speech, the whole text as one streamed synthesis',
    ),
    measured(
      `${longChars} chars, upstream whole-text /tts: first audio`,
      p50(upstreamTts, (t) => t.totalMs),
      'ms',
      'XTTS /tts: audio only when the whole text is done',
    ),
  ]
  const findings: string[] = []
  const losses: Loss[] = []
  const shortGain = p50(whole, (t) => t.firstAudioMs) / p50(stream, (t) => t.firstAudioMs)
  findings.push(
    `stream: first audio ${round(shortGain)}× sooner than the whole file (${shortChars} chars)`,
  )
  if (!ctx.quick) {
    figures.splice(
      2,
      0,
      measured(
        `${shortChars} chars, stream: complete p50`,
        p50(stream, (t) => t.totalMs),
        'ms',
      ),
    )
    const splitTotal = p50(longStream, (t) => t.totalMs)
    const wholeTotal = p50(upstreamStream, (t) => t.totalMs)
    figures.push(measured(`${longChars} chars, edge split stream: complete`, splitTotal, 'ms'))
    figures.push(
      measured(`${longChars} chars, upstream whole-text stream: complete`, wholeTotal, 'ms'),
    )
    if (splitTotal > wholeTotal * 1.05) {
      losses.push({
        what: `long text: the edge's sentence-by-sentence synthesis completes in ${round(splitTotal / wholeTotal)}× the time of one whole-text synthesis`,
        close:
          "each sentence is a separate upstream call paying the time to first chunk again; the next one already waits at the pool's gate while the current one streams (row 11: the edge is at the emulator's floor for one call per sentence), and only a second GPU slot would overlap that wait: one call for several sentences cannot be cut back into per-sentence segments",
      })
    }
  }
  const longFirst = p50(longStream, (t) => t.firstAudioMs)
  findings.push(
    `long text: first audio ${round(p50(upstreamTts, (t) => t.totalMs) / longFirst)}× sooner with the edge's split stream than whole-text /tts`,
  )
  const longGain = p50(upstreamStream, (t) => t.firstAudioMs) / longFirst
  if (longGain < 0.95) {
    losses.push({
      what: `long text: first audio from the edge's split stream is ${round(1 / longGain)}× later than the upstream's own whole-text stream`,
      close:
        "the edge adds a hop, and the whole answer's cache lookup then the sentences' lookups before the first upstream call; overlapping those lookups with the first upstream call would cost every streamed cache hit a wasted segment lookup",
    })
  }
  return {
    id: 2,
    title: 'Time to first audio (uncached, XTTS profile)',
    figures,
    findings,
    losses,
    settings: { trials: n, shortChars, longChars, format: 'wav', emulatorProfile: XTTS_PROFILE },
    method:
      'First audio = first body byte past the 44-byte WAV header, measured at the harness (for /tts, the complete answer: it has no earlier audio; it runs on a second emulator with the same profile, beside the edge measurements). Every text is new to every cache (a run nonce and counter in each sentence). Whole-text baselines: the emulator asked for the entire text at once, streamed or through /tts. The emulator renders sentence by sentence internally, which flatters the whole-text stream compared with real XTTS (whose /tts does not split and fails over ~400 tokens).',
    durationS: 0,
  }
}
