/**
 * @module speech/pieces — the audio of a text, sentence by sentence: each sentence from the
 * segment cache when heard before, else from the upstream (validated, then cached on its own).
 * So a sentence already synthesized is never synthesized again, whatever paragraph holds it.
 */
import { isAudioError, validateAudio } from '@tts/core/audio'
import { UpstreamError } from '../upstream/index.ts'
import type { SpeechContext, Timings } from './context.ts'
import { type PreparedSpeech, segmentKey } from './prepare.ts'
import { sentencesOf } from './sentences.ts'

/** A run of PCM of one piece, with its format. */
export interface PcmChunk {
  pcm: Int16Array
  sampleRate: number
  channels: number
}

/** What producing the pieces found out, filled in as it goes. */
export interface PiecesReport {
  pieces: number
  cachedPieces: number
  upstream: string | undefined
  audioMs: number
}

/** Little-endian bytes of 16-bit samples (how segments are stored). */
export function pcmBytes(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length * 2)
  const view = new DataView(out.buffer)
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] ?? 0, true)
  return out
}

/** 16-bit samples of little-endian bytes (a stored segment). */
export function bytesPcm(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Int16Array(bytes.byteLength >> 1)
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true)
  return out
}

function joinPcm(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * The segment cache keys of `prepared.text`, one per sentence, in order.
 *
 * @example
 * const keys = await segmentKeysOf(ctx, prepared)
 */
export function segmentKeysOf(ctx: SpeechContext, prepared: PreparedSpeech): Promise<string[]> {
  const sentences = sentencesOf(prepared.text, prepared.language)
  return Promise.all(sentences.map((s) => segmentKey(prepared, ctx.settings.upstreamModel, s)))
}

/**
 * Yields the audio of `prepared.text` in order, as it becomes available. Throws an
 * `UpstreamError` when the upstream fails or its audio is invalid; nothing of a failed piece
 * is cached. Each new segment's cache write is pushed onto `stored` when given, so a caller
 * can wait until the segments are readable.
 *
 * @example
 * for await (const chunk of speechPieces(ctx, prepared, timings, report, signal)) encoder.push(chunk.pcm)
 */
export async function* speechPieces(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  timings: Timings,
  report: PiecesReport,
  signal: AbortSignal,
  stored?: Promise<void>[],
): AsyncGenerator<PcmChunk> {
  const sentences = sentencesOf(prepared.text, prepared.language)
  report.pieces = sentences.length
  const started = performance.now()
  const keys = await segmentKeysOf(ctx, prepared)
  const lookups = await Promise.all(keys.map((k) => ctx.cache.get(k)))
  timings.cache += performance.now() - started

  for (const [i, sentence] of sentences.entries()) {
    const lookup = lookups[i]
    const key = keys[i] as string
    if (lookup && 'bytes' in lookup) {
      report.cachedPieces++
      report.audioMs += lookup.meta.durationMs
      yield { pcm: bytesPcm(lookup.bytes), sampleRate: lookup.meta.sampleRate, channels: 1 }
      continue
    }
    const upstreamStarted = performance.now()
    const result = await ctx.synthesizer.synthesize(
      {
        text: sentence,
        language: prepared.language,
        voice: prepared.voice,
        speed: prepared.speed,
        stream: prepared.stream,
      },
      { signal },
    )
    report.upstream = result.upstream
    const parts: Int16Array[] = []
    for await (const pcm of result.chunks) {
      parts.push(pcm)
      yield { pcm, sampleRate: result.sampleRate, channels: result.channels }
    }
    timings.upstream += performance.now() - upstreamStarted
    const data = pcmBytes(joinPcm(parts))
    let durationMs: number
    try {
      const audio = {
        sampleRate: result.sampleRate,
        channels: result.channels,
        encoding: 'pcm16' as const,
        data,
      }
      durationMs = validateAudio(audio, {
        text: sentence,
        language: prepared.language,
        speed: prepared.speed,
      }).durationMs
    } catch (cause) {
      if (!isAudioError(cause)) throw cause
      throw new UpstreamError(
        'upstream_invalid_audio',
        `the upstream audio failed validation: ${cause.message}`,
        { cause },
      )
    }
    if (result.channels !== 1) {
      throw new UpstreamError(
        'upstream_invalid_audio',
        `the upstream sent ${result.channels} channels; XTTS speaks mono`,
      )
    }
    report.audioMs += durationMs
    const created = Date.now()
    const put = ctx.cache.put(key, data, {
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
    stored?.push(put)
  }
}

/**
 * All of the audio of `prepared.text`, joined (the non-streaming path).
 *
 * @example
 * const { pcm, sampleRate } = await collectSpeech(ctx, prepared, timings, report, signal)
 */
export async function collectSpeech(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  timings: Timings,
  report: PiecesReport,
  signal: AbortSignal,
): Promise<PcmChunk> {
  const parts: Int16Array[] = []
  let sampleRate: number | undefined
  for await (const chunk of speechPieces(ctx, prepared, timings, report, signal)) {
    sampleRate ??= chunk.sampleRate
    if (chunk.sampleRate !== sampleRate) {
      throw new UpstreamError(
        'upstream_invalid_audio',
        'the upstream changed its sample rate between sentences',
      )
    }
    parts.push(chunk.pcm)
  }
  return { pcm: joinPcm(parts), sampleRate: sampleRate ?? 24_000, channels: 1 }
}

/** One byte array of all `parts`. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

export { joinPcm }
