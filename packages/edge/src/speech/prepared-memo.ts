/**
 * @module speech/prepared-memo — a warm isolate's memory of what a request prepared to, so a
 * repeated request (the hit path's common case) skips normalising, language detection, the
 * voice lookup and hashing its cache key (canonical JSON + SHA-256: ~5 % of a hit's CPU in
 * issue 17's profile).
 *
 * The memo is per settings object (a changed voice map, model, upstream or tenancy starts a new
 * one) and keyed by every request field that `prepareSpeech` reads plus the caller's cache
 * scope and cache generation, so it can only return what `prepareSpeech` would (a purge in
 * another isolate reaches this one through the generation, as it does the cache). An entry lives as long as a speaker
 * identity does in prepare.ts's memo (`SPEAKER_MEMO_TTL_MS`), so an identity is at most twice
 * that old here — far inside the day KV's memo already allows. Cloned voices never enter it: a
 * deleted clone must stop working at once (as prepare.ts says).
 */
import { LRUCache } from 'lru-cache'
import type { Settings } from '../settings/index.ts'
import type { SpeechContext } from './context.ts'
import {
  type PreparedSpeech,
  prepareSpeech,
  SPEAKER_MEMO_TTL_MS,
  type SpeechInput,
} from './prepare.ts'
import { isClonedVoiceId } from './voices-store.ts'

/** Key characters held per settings object (texts are at most 4096 characters each). */
const MEMO_MAX_CHARS = 2 * 1024 * 1024

type Memo = LRUCache<string, Omit<PreparedSpeech, 'stream'>>
const memos = new WeakMap<Settings, { memo: Memo; generation: number }>()
let generation = 0

function memoOf(settings: Settings): Memo {
  let memo = memos.get(settings)?.generation === generation ? memos.get(settings)?.memo : undefined
  if (!memo) {
    memo = new LRUCache({
      maxSize: MEMO_MAX_CHARS,
      // The key's characters plus room for the prepared fields.
      sizeCalculation: (_value, key) => key.length + 256,
      ttl: SPEAKER_MEMO_TTL_MS,
    })
    memos.set(settings, { memo, generation })
  }
  return memo
}

/**
 * Forgets every remembered request of this isolate (with a purge: a key that folds in state a
 * purge changes must be computed afresh).
 *
 * @example
 * forgetPreparedRequests()
 */
export function forgetPreparedRequests(): void {
  generation++
}

/**
 * `prepareSpeech`, remembered by this isolate for repeated requests of speaker voices.
 *
 * @example
 * const prepared = await prepareSpeechRemembered(ctx, input)
 */
export async function prepareSpeechRemembered(
  ctx: SpeechContext,
  input: SpeechInput,
): Promise<PreparedSpeech> {
  if (isClonedVoiceId(input.voice)) return prepareSpeech(ctx, input)
  const memo = memoOf(ctx.settings)
  const key = JSON.stringify([
    ctx.scope,
    // A purge elsewhere changes the generation (cache/generation.ts): the key must follow it.
    ctx.generation,
    input.input,
    input.voice,
    input.language,
    input.languageHint ?? null,
    input.format,
    input.speed,
    input.pitch ?? null,
  ])
  const known = memo.get(key)
  if (known) return { ...known, stream: input.stream }
  const prepared = await prepareSpeech(ctx, input)
  const { stream: _stream, ...kept } = prepared
  memo.set(key, kept)
  return prepared
}
