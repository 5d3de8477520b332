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
import type { AudioCache, CacheLookup } from '../cache/store.ts'
import type { ResponseFormat } from '../encode/index.ts'
import { bytesPcm } from '../upstream/pcm.ts'
import { wholeEncoder } from './encode-whole.ts'
import { scaledMs, scaledSentence, type TempoPlan } from './tempo.ts'

/** A whole answer made of stored segments. */
export interface AssembledAnswer {
  bytes: Uint8Array
  sampleRate: number
  durationMs: number
}

/**
 * The answer of `keys` (segment entries, in order) encoded as `format`, or undefined when any
 * is missing, is not a segment, or has another sample rate than the first. With `tempo`, each
 * segment (source audio) gets the edge's speed and pitch first, as the streamed answer did.
 *
 * @example
 * const whole = await assembleAnswer(ctx.cache, plan.map((s) => s.key), 'mp3')
 */
export async function assembleAnswer(
  cache: Pick<AudioCache, 'get'>,
  keys: readonly string[],
  format: ResponseFormat,
  tempo?: TempoPlan,
): Promise<AssembledAnswer | undefined> {
  const encoder = wholeEncoder(format)
  let sampleRate: number | undefined
  let durationMs = 0
  // A repeated sentence is read once and kept until its last repeat (issue 18: one read per
  // distinct sentence keeps a text of 1,024 repeats within the subrequest budget).
  const lastUse = new Map(keys.map((key, i) => [key, i]))
  const kept = new Map<string, CacheLookup>()
  try {
    for (const [i, key] of keys.entries()) {
      const found = kept.get(key) ?? (await cache.get(key))
      if ((lastUse.get(key) ?? i) > i) kept.set(key, found)
      else kept.delete(key)
      if (!('bytes' in found) || found.meta.kind !== 'segment') return undefined
      sampleRate ??= found.meta.sampleRate
      if (found.meta.sampleRate !== sampleRate) return undefined
      durationMs += tempo ? scaledMs(tempo, found.meta.durationMs) : found.meta.durationMs
      const pcm = { pcm: bytesPcm(found.bytes), sampleRate, channels: 1 }
      for (const piece of tempo ? scaledSentence(tempo, pcm) : [pcm]) {
        await encoder.push(piece.pcm, sampleRate)
      }
    }
    const bytes = encoder.end()
    if (!bytes || sampleRate === undefined) return undefined
    return { bytes, sampleRate, durationMs }
  } finally {
    encoder.abort()
  }
}
