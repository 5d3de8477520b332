/**
 * @module rows/formats — row 6: size and encode time of `opus` and `mp3` against `wav` for
 * about 10 s and 60 s of speech, encoded by the edge inside workerd. The WAV request
 * synthesizes and caches the sentences; the MP3 and Opus requests then find every sentence
 * cached, so their time is the encoder's, read from the edge's `Server-Timing: encode`.
 */
import { parseWav } from '@tts/core/audio'
import { serverTimingMs, speechInit, timedFetch } from '../http/index.ts'
import { type Figure, measured, type RowResult } from '../result/index.ts'
import { round, summarize } from '../stats/index.ts'
import { FAST_PROFILE, type RowContext } from './context.ts'

const FORMATS = ['wav', 'mp3', 'opus'] as const

/**
 * @example
 * const row = await formatsRow(ctx)
 */
export async function formatsRow(ctx: RowContext): Promise<RowResult> {
  const trials = ctx.quick ? 1 : 3
  await ctx.emulator.latency(FAST_PROFILE)
  const figures: Figure[] = []
  const findings: string[] = []
  const settings: Record<string, unknown> = { trials, emulatorProfile: FAST_PROFILE }
  // Characters per target second, for espeak-ng's English at speed 1 (about 15 chars/s).
  for (const [target, chars] of [
    [10, 150],
    [60, 900],
  ] as const) {
    const sizes: Record<string, number[]> = { wav: [], mp3: [], opus: [] }
    const encode: Record<string, number[]> = { wav: [], mp3: [], opus: [] }
    let seconds = 0
    for (let t = 0; t < trials; t++) {
      const text = ctx.freshText(chars)
      for (const format of FORMATS) {
        const r = await timedFetch(
          `${ctx.edge.url}/v1/audio/speech`,
          speechInit(text, { apiKey: ctx.edge.apiKey, format }),
          { keepBody: format === 'wav' },
        )
        if (r.status !== 200) throw new Error(`edge answered ${r.status} for ${format}`)
        if (r.body) seconds = parseWav(r.body).durationMs / 1000
        sizes[format]?.push(r.bytes)
        encode[format]?.push(serverTimingMs(r.headers.get('server-timing'), 'encode'))
      }
    }
    settings[`${target}s`] = { chars, audioSeconds: round(seconds) }
    const wav = summarize(sizes.wav ?? []).p50
    for (const format of FORMATS) {
      const size = summarize(sizes[format] ?? []).p50
      const ms = summarize(encode[format] ?? []).p50
      figures.push(
        measured(
          `${target} s ${format}: size`,
          Math.round(size),
          'bytes',
          `${round((size / wav) * 100)} % of wav`,
        ),
      )
      figures.push(
        measured(
          `${target} s ${format}: encode`,
          round(ms),
          'ms',
          ms > 0 ? `${round((seconds * 1000) / ms)}× real time` : undefined,
        ),
      )
    }
    findings.push(
      `${round(seconds)} s of speech: mp3 ${round((summarize(sizes.mp3 ?? []).p50 / wav) * 100)} %, opus ${round((summarize(sizes.opus ?? []).p50 / wav) * 100)} % of wav`,
    )
  }
  return {
    id: 6,
    title: 'Formats: size and encode time in workerd',
    figures,
    findings,
    losses: [],
    settings,
    method:
      "Real espeak-ng speech from the emulator, encoded by the edge (wasm LAME for mp3 at 32 kbit/s, libopus + our Ogg muxer for opus) inside workerd under wrangler dev. Encode time is the edge's own Server-Timing 'encode' phase for a whole-file answer whose sentences were all cached (so no synthesis is in it). Sizes are the bytes received.",
    durationS: 0,
  }
}
