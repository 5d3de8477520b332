/**
 * @module speech/pieces — the audio of a text, sentence by sentence: each sentence from the
 * segment cache when heard before, else from the upstream (validated, then cached on its own).
 * So a sentence already synthesized is never synthesized again, whatever paragraph holds it.
 * The text is split and each sentence hashed once (`planSegments`); the segment key is also
 * the pool's single-flight key.
 *
 * A sentence the text repeats is looked up, charged to the caller's quota and synthesized
 * once (issue 18: `"Hi! "` × 1,024 was 1,024 syntheses and ~2,000 cache reads, past a
 * Worker's subrequest budget); its audio is kept until its last repeat.
 */
import { concatSamples, isAudioError, validateAudio } from '@tts/core/audio'
import type { WindowState } from '../quota/index.ts'
import { UpstreamError } from '../upstream/index.ts'
import { bytesPcm, pcmBytes } from '../upstream/pcm.ts'
import type { SpeechContext, Timings } from './context.ts'
import { checkSentenceCount } from './limits.ts'
import { type PreparedSpeech, segmentKey } from './prepare.ts'
import { sentencesOf } from './sentences.ts'
import { planTempo, scaledMs, scaledSentence, sentenceScaler, type TempoPlan } from './tempo.ts'

/** A run of PCM of one piece, with its format. */
export interface PcmChunk {
  pcm: Int16Array
  sampleRate: number
  channels: number
}

/** One sentence of the text and its segment cache key. */
export interface Segment {
  sentence: string
  key: string
}

/** What a miss will do: the sentences with their keys, and the speed and pitch split. */
export interface SpeechPlan {
  segments: Segment[]
  tempo: TempoPlan
}

/** What producing the audio found out and what it cost, filled in as it goes. */
export interface Tally {
  pieces: number
  cachedPieces: number
  upstream: string | undefined
  audioMs: number
  timings: Timings
  /** The caller's quota windows after this answer's charge (a limited key's miss only). */
  quota?: WindowState[] | undefined
}

/** A tally of nothing yet. */
export function newTally(): Tally {
  return {
    pieces: 0,
    cachedPieces: 0,
    upstream: undefined,
    audioMs: 0,
    timings: { cache: 0, upstream: 0, encode: 0 },
  }
}

/**
 * The sentences of `prepared.text` and their segment keys, in order (the one split and the
 * one hash per sentence of a request), and the speed and pitch plan (tempo.ts).
 *
 * @example
 * const plan = await planSegments(ctx, prepared)
 */
export async function planSegments(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
): Promise<SpeechPlan> {
  const sentences = sentencesOf(prepared.text, prepared.language)
  // Distinct ones: a repeated sentence is synthesized once (issue 18), so it costs once.
  checkSentenceCount(new Set(sentences).size)
  const tempo = await planTempo(ctx, prepared)
  // Segments hold the source audio: at the speed the upstream is asked for, see tempo.ts.
  const source = { ...prepared, speed: tempo.sourceSpeed }
  const distinct = [...new Set(sentences)]
  const hashed = await Promise.all(
    distinct.map((s) => segmentKey(source, ctx.settings.upstreamModel, s)),
  )
  const keys = new Map(distinct.map((s, i) => [s, hashed[i] as string]))
  return {
    tempo,
    segments: sentences.map((sentence) => ({ sentence, key: keys.get(sentence) ?? '' })),
  }
}

function checked(
  pcm: Int16Array,
  sampleRate: number,
  channels: number,
  sentence: string,
  prepared: PreparedSpeech,
): number {
  try {
    const audio = { sampleRate, channels, encoding: 'pcm16' as const, data: pcmBytes(pcm) }
    const { durationMs } = validateAudio(audio, {
      text: sentence,
      language: prepared.language,
      speed: prepared.speed,
    })
    if (channels !== 1) {
      throw new UpstreamError(
        'upstream_invalid_audio',
        `the upstream sent ${channels} channels; XTTS speaks mono`,
      )
    }
    return durationMs
  } catch (cause) {
    if (!isAudioError(cause)) throw cause
    throw new UpstreamError(
      'upstream_invalid_audio',
      `the upstream audio failed validation: ${cause.message}`,
      { cause },
    )
  }
}

/**
 * Yields the audio of `plan` in order, as it becomes available. Throws an `UpstreamError`
 * when the upstream fails or its audio is invalid; nothing of a failed piece is cached. Each
 * new segment's cache write is pushed onto `stored`, so a caller can wait until the segments
 * are readable.
 *
 * @example
 * for await (const chunk of speechPieces(ctx, prepared, plan, tally, signal, [])) encoder.push(chunk.pcm)
 */
export async function* speechPieces(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  plan: SpeechPlan,
  tally: Tally,
  signal: AbortSignal,
  stored: Promise<void>[],
): AsyncGenerator<PcmChunk> {
  const { segments, tempo } = plan
  tally.pieces = segments.length
  const lastUse = new Map(segments.map((s, i) => [s.key, i]))
  const started = performance.now()
  const heard = await lookUpDistinct(ctx, [...lastUse.keys()])
  tally.timings.cache += performance.now() - started
  // Charged before any upstream work: each distinct sentence the cache lacks, once.
  let chars = 0
  const priced = new Set<string>()
  for (const { sentence, key } of segments) {
    if (heard.has(key) || priced.has(key)) continue
    priced.add(key)
    chars += sentence.length
  }
  if (chars > 0) tally.quota = await ctx.meter.charge(chars)

  for (const [i, { sentence, key }] of segments.entries()) {
    const known = heard.get(key)
    if (known) {
      tally.cachedPieces++
      tally.audioMs += scaledMs(tempo, known.durationMs)
      if (lastUse.get(key) === i) heard.delete(key)
      yield* scaledSentence(tempo, known.chunk)
      continue
    }
    const upstreamStarted = performance.now()
    const result = await ctx.synthesizer.synthesize(
      {
        text: sentence,
        language: prepared.language,
        voice: prepared.voice,
        speed: tempo.sourceSpeed,
        stream: prepared.stream,
      },
      { signal, key },
    )
    tally.upstream = result.upstream
    const parts: Int16Array[] = []
    const scale = sentenceScaler(tempo, result.sampleRate)
    const chunkOf = (pcm: Int16Array) => ({
      pcm,
      sampleRate: result.sampleRate,
      channels: result.channels,
    })
    for await (const pcm of result.chunks) {
      parts.push(pcm)
      for (const out of scale.push(pcm)) yield chunkOf(out)
    }
    const tail = scale.end()
    if (tail.length > 0) yield chunkOf(tail)
    tally.timings.upstream += performance.now() - upstreamStarted
    // Joined once, for its validation and entry (a one-chunk sentence is not copied).
    const whole = parts.length === 1 && parts[0] ? parts[0] : concatSamples(parts)
    const source = { ...prepared, speed: tempo.sourceSpeed }
    const durationMs = checked(whole, result.sampleRate, result.channels, sentence, source)
    tally.audioMs += scaledMs(tempo, durationMs)
    const created = Date.now()
    const put = ctx.cache.put(key, pcmBytes(whole), {
      kind: 'segment',
      format: 'pcm',
      language: prepared.language,
      sampleRate: result.sampleRate,
      durationMs,
      created,
      expires: created + ctx.settings.cacheTtlMs,
      etag: `${key.slice(0, 16)}.${created.toString(36)}`,
      upstream: result.upstream,
    })
    ctx.waitUntil(put)
    stored.push(put)
    if ((lastUse.get(key) ?? i) > i) {
      heard.set(key, {
        chunk: { pcm: whole, sampleRate: result.sampleRate, channels: 1 },
        durationMs,
      })
    }
  }
}

/** A sentence's source audio, from the cache or synthesized earlier in this request. */
interface Heard {
  chunk: PcmChunk
  durationMs: number
}

/** The cached source audio of each of `keys` (distinct) that the segment cache holds. */
async function lookUpDistinct(ctx: SpeechContext, keys: string[]): Promise<Map<string, Heard>> {
  const lookups = await Promise.all(keys.map((key) => ctx.cache.get(key)))
  const heard = new Map<string, Heard>()
  for (const [i, key] of keys.entries()) {
    const lookup = lookups[i]
    if (!lookup || !('bytes' in lookup)) continue
    const { sampleRate, durationMs } = lookup.meta
    heard.set(key, { chunk: { pcm: bytesPcm(lookup.bytes), sampleRate, channels: 1 }, durationMs })
  }
  return heard
}
