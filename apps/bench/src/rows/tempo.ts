/**
 * @module rows/tempo — row 9: speed and pitch done by the edge (issue 15) against an
 * xtts-streaming upstream, which has neither. (a) The DSP's cost in workerd per second of
 * audio, for speed 0.55, speed 1.5 and pitch 1.3; (b) time to first audio of a streamed
 * speed-0.55 miss against a speed-1 miss (goal: at most +30 ms).
 */
import { parseWav } from '@tts/core/audio'
import { speechInit, type Timed, timedFetch } from '../http/index.ts'
import { type Figure, type Loss, measured, type RowResult } from '../result/index.ts'
import { round, summarize } from '../stats/index.ts'
import { FAST_PROFILE, type RowContext, XTTS_PROFILE } from './context.ts'

const WAV_HEADER = 44
const CHANGES = [
  { label: 'speed 0.55', speed: 0.55, pitch: 1 },
  { label: 'speed 1.5', speed: 1.5, pitch: 1 },
  { label: 'pitch 1.3', speed: 1, pitch: 1.3 },
] as const

function init(
  ctx: RowContext,
  text: string,
  o: { speed: number; pitch: number; stream?: boolean; format?: string },
) {
  const base = speechInit(text, {
    apiKey: ctx.edge.apiKey,
    format: o.format ?? 'wav',
    ...(o.stream === undefined ? {} : { stream: o.stream }),
  })
  const body = { ...(JSON.parse(base.body) as object), speed: o.speed, pitch: o.pitch }
  return { ...base, body: JSON.stringify(body) }
}

/**
 * @example
 * const row = await tempoRow(ctx)
 */
export async function tempoRow(ctx: RowContext): Promise<RowResult> {
  const speech = `${ctx.edge.url}/v1/audio/speech`
  const trials = ctx.quick ? 1 : 3
  const chars = ctx.quick ? 300 : 900
  const figures: Figure[] = []
  const findings: string[] = []
  const losses: Loss[] = []
  const ok = (t: Timed, what: string) => {
    if (t.status !== 200) {
      const detail = t.body ? new TextDecoder().decode(t.body).slice(0, 300) : ''
      throw new Error(`edge answered ${t.status} for ${what} ${detail}`)
    }
    return t
  }

  // (a) Every sentence cached at speed 1 first, so each later request is a whole-answer miss
  // whose sentences all come from the cache: its time over the speed-1 one is the DSP's.
  await ctx.emulator.latency(FAST_PROFILE)
  ctx.log(`row 9: DSP cost on ~${chars} chars, ${trials} trial(s)`)
  const extra: Record<string, number[]> = {}
  const baseMs: number[] = []
  let audioSeconds = 0
  for (let t = 0; t < trials; t++) {
    const text = ctx.freshText(chars)
    ok(await timedFetch(speech, init(ctx, text, { speed: 1, pitch: 1, format: 'mp3' })), 'warm-up')
    const plain = ok(
      await timedFetch(speech, init(ctx, text, { speed: 1, pitch: 1 }), { keepBody: true }),
      'speed 1',
    )
    audioSeconds = parseWav(plain.body as Uint8Array).durationMs / 1000
    baseMs.push(plain.totalMs)
    for (const change of CHANGES) {
      const r = ok(
        await timedFetch(speech, init(ctx, text, change), { keepBody: true }),
        change.label,
      )
      const list = extra[change.label] ?? []
      list.push(r.totalMs - plain.totalMs)
      extra[change.label] = list
    }
  }
  for (const change of CHANGES) {
    const ms = Math.max(0.1, summarize(extra[change.label] ?? []).p50)
    figures.push(
      measured(
        `${change.label}: DSP per second of source audio`,
        round(ms / audioSeconds),
        'ms',
        `${round((audioSeconds * 1000) / ms)}× real time (p50 of ${trials}, over a speed-1 answer of the same cached sentences)`,
      ),
    )
  }

  // (b) Streamed misses under the XTTS latency profile, alternating so drift hits both alike.
  // Each body is read to its end: a caller hanging up mid-stream counted against the upstream's
  // breaker in a trial run under wrangler dev (it opened after a few), which is not measured here.
  await ctx.emulator.latency(XTTS_PROFILE)
  const n = ctx.quick ? 3 : 7
  ctx.log(`row 9: first audio of streamed misses at speed 1 and 0.55, ${n} each`)
  const first: Record<'1' | '0.55', number[]> = { '1': [], '0.55': [] }
  for (let i = 0; i < n; i++) {
    for (const speed of [1, 0.55] as const) {
      const r = ok(
        await timedFetch(speech, init(ctx, ctx.freshText(200), { speed, pitch: 1, stream: true }), {
          skipBytes: WAV_HEADER,
          keepBody: true,
        }),
        `stream speed ${speed}`,
      )
      first[String(speed) as '1' | '0.55'].push(r.firstAudioMs)
    }
  }
  await ctx.emulator.latency(FAST_PROFILE)
  const ttfa1 = summarize(first['1']).p50
  const ttfaSlow = summarize(first['0.55']).p50
  figures.push(measured('stream miss, speed 1: first audio p50', round(ttfa1), 'ms'))
  figures.push(measured('stream miss, speed 0.55: first audio p50', round(ttfaSlow), 'ms'))
  figures.push(
    measured(
      'speed 0.55 over speed 1: first audio',
      round(ttfaSlow - ttfa1),
      'ms',
      'goal ≤ +30 ms',
    ),
  )
  findings.push(
    `speed 0.55 adds ${round(ttfaSlow - ttfa1)} ms to the first audio of a streamed miss (goal ≤ +30 ms)`,
  )
  if (ttfaSlow - ttfa1 > 30) {
    losses.push({
      what: `a speed-0.55 stream's first audio is ${round(ttfaSlow - ttfa1)} ms later than speed 1's`,
      close:
        'push smaller first chunks through WSOLA (it needs 40 ms of input before its first output)',
    })
  }
  return {
    id: 9,
    title: 'Speed and pitch at the edge (xtts-streaming upstream)',
    figures,
    findings,
    losses,
    settings: {
      trials,
      chars,
      audioSeconds: round(audioSeconds),
      ttfaTrials: n,
      profiles: { dsp: FAST_PROFILE, ttfa: XTTS_PROFILE },
    },
    method:
      "The edge's WSOLA + resampler (@tts/core/audio createTimeScale) inside workerd under wrangler dev. DSP cost: a WAV answer at the given speed/pitch minus a WAV answer at speed 1, both whole-answer misses made of the same cached speed-1 sentences (so no synthesis and the same decryption in both); per second of the source audio. First audio: streamed WAV misses of fresh ~200-character texts, speed 1 and 0.55 alternating, emulator with the XTTS latency profile; time to the first byte past the WAV header.",
    durationS: 0,
  }
}
