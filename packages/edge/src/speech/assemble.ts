/**
 * @module speech/assemble — the whole-answer cache entry of a streamed answer, built after the
 * stream ended from the per-sentence segments it cached, one segment at a time.
 *
 * Why not keep what was streamed: the stream would then hold every PCM chunk (60 s is
 * 2.9 MB) and every encoded byte until its end, which is what `pnpm bench` row 8 measured.
 * Why not skip the whole entry and answer the next request from the segments: that request
 * would decrypt N segments and re-encode them (mp3/opus cost a few ms per second of audio)
 * before its first byte, where a whole entry is one read and one decryption — and it would be
 * a MISS, not a HIT. So the entry is still stored, built off the response path (`waitUntil`).
 * Here only one segment's PCM and the encoded output are held; the output is what the sealed
 * entry holds anyway.
 *
 * The cached file is a fresh encoding, not the streamed bytes: for `mp3`/`opus` it may differ
 * byte for byte (an Ogg serial is random, pages follow push sizes), so the entry gets its own
 * `created` and thus its own ETag, never the streamed answer's.
 */
import type { AudioCache } from '../cache/store.ts'
import { createEncoder, type ResponseFormat, type StreamingEncoder } from '../encode/index.ts'
import { bytesPcm, concatBytes } from './pieces.ts'
import { scaledMs, scaledSentence, type TempoPlan } from './tempo.ts'

/** A whole answer built from segments. */
export interface AssembledAnswer {
  bytes: Uint8Array
  sampleRate: number
  durationMs: number
}

/** A streamed WAV says "until the end"; a stored one carries its exact sizes. */
function fixWavSizes(wav: Uint8Array): void {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength)
  view.setUint32(4, wav.byteLength - 8, true)
  view.setUint32(40, wav.byteLength - 44, true)
}

/**
 * The answer in `format` made of the segments `keys` in order, or `undefined` when any segment
 * is not a valid cached one (absent, expired, corrupt, another kind, another sample rate) — so
 * nothing incomplete is ever stored as a whole answer. With `plan`, each segment (source audio)
 * gets the edge's speed and pitch first, as the streamed answer did.
 *
 * @example
 * const whole = await assembleAnswer(ctx.cache, await segmentKeysOf(ctx, prepared), 'mp3')
 * if (whole) await ctx.cache.put(prepared.key, whole.bytes, meta)
 */
export async function assembleAnswer(
  cache: Pick<AudioCache, 'get'>,
  keys: readonly string[],
  format: ResponseFormat,
  plan?: TempoPlan,
): Promise<AssembledAnswer | undefined> {
  const out: Uint8Array[] = []
  let encoder: StreamingEncoder | undefined
  let sampleRate: number | undefined
  let durationMs = 0
  try {
    for (const key of keys) {
      const found = await cache.get(key)
      if (!('bytes' in found) || found.meta.kind !== 'segment') return undefined
      if (sampleRate === undefined) {
        sampleRate = found.meta.sampleRate
        encoder = await createEncoder(format, { sampleRate, channels: 1 })
      } else if (found.meta.sampleRate !== sampleRate) return undefined
      durationMs += plan ? scaledMs(plan, found.meta.durationMs) : found.meta.durationMs
      const pcm = { pcm: bytesPcm(found.bytes), sampleRate, channels: 1 }
      for (const piece of plan ? scaledSentence(plan, pcm) : [pcm]) {
        const bytes = (encoder as StreamingEncoder).push(piece.pcm)
        if (bytes.byteLength > 0) out.push(bytes)
      }
    }
    if (!encoder || sampleRate === undefined) return undefined
    out.push(encoder.end())
    encoder = undefined
  } finally {
    encoder?.abort()
  }
  const bytes = concatBytes(out)
  if (format === 'wav') fixWavSizes(bytes)
  return { bytes, sampleRate, durationMs }
}
