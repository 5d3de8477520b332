/**
 * @module speech/stale — an expired copy of an answer, served (labelled `STALE`) when no
 * upstream can make a fresh one. Read straight from R2: the hit path treats an expired entry
 * as a miss, and only this fallback may still use it, within `staleMaxMs` of its expiry.
 */
import { isCryptoError, openEnvelope } from '@tts/core/crypto'
import { keyRingOf } from '../cache/ring.ts'
import type { EntryMeta } from '../cache/store.ts'
import { r2Name } from '../cache/store.ts'
import type { SpeechContext } from './context.ts'
import type { PreparedSpeech } from './prepare.ts'
import { completeAudio } from './respond.ts'

/**
 * The stale answer for `prepared`, or undefined when no usable expired copy is kept.
 *
 * @example
 * const stale = await readStale(ctx, request, prepared, 86_400_000)
 */
export async function readStale(
  ctx: SpeechContext,
  request: Request,
  prepared: PreparedSpeech,
  staleMaxMs: number,
): Promise<Response | undefined> {
  const object = await ctx.env.AUDIO.get(r2Name(prepared.key))
  if (!object) return undefined
  let meta: EntryMeta
  try {
    meta = JSON.parse(object.customMetadata?.meta ?? '') as EntryMeta
  } catch {
    await object.body.cancel()
    return undefined
  }
  const now = Date.now()
  if (typeof meta.expires !== 'number' || now - meta.expires > staleMaxMs) {
    await object.body.cancel()
    return undefined
  }
  let bytes: Uint8Array
  try {
    bytes = await openEnvelope(
      await keyRingOf(ctx.env),
      new Uint8Array(await object.arrayBuffer()),
      prepared.key,
    )
  } catch (error) {
    if (isCryptoError(error)) return undefined
    throw error
  }
  const response = completeAudio(request, bytes, {
    format: prepared.format,
    cache: 'STALE',
    language: prepared.language,
    upstream: meta.upstream,
    etag: meta.etag,
    timings: { cache: 0, upstream: 0, encode: 0 },
  })
  response.headers.set('cache-control', 'no-store')
  return response
}
