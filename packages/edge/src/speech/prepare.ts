/**
 * @module speech/prepare — turns a validated request into what the cache and upstream need:
 * normalised text, resolved language, the voice and its identity, and the cache keys.
 *
 * A named speaker's identity is remembered by the isolate (bounded LRU, 5 min TTL) on top of
 * KV's day-long memo, so a warm hit takes no KV read and no hashing for it. Five minutes is
 * far inside KV's own TTL, which already lets an identity be a day old. Cloned voices are
 * remembered by speech/voices-store for 60 s, KV's own propagation delay (see there).
 */
import { XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { cacheKey } from '@tts/core/crypto'
import { normalizeText } from '@tts/core/text'
import { LRUCache } from 'lru-cache'
import { INITIAL_GENERATION } from '../cache/generation.ts'
import type { ResponseFormat } from '../encode/index.ts'
import { ProblemError } from '../problem/index.ts'
import type { VoiceRef } from '../upstream/index.ts'
import type { SpeechContext } from './context.ts'
import { resolveLanguage } from './language.ts'
import { checkNormalisedLength, checkSpeakable } from './limits.ts'
import { isClonedVoiceId, loadVoice } from './voices-store.ts'

/** A speech request after validation. */
export interface SpeechInput {
  input: string
  voice: string
  language: string
  /** Locale tags that `language: 'auto'` detection takes as a prior. */
  languageHint?: readonly string[] | undefined
  format: ResponseFormat
  speed: number
  /** Pitch factor 0.5–2 (an extension; absent is 1). */
  pitch?: number
  stream: boolean
}

/** Everything the hit and miss paths need. */
export interface PreparedSpeech extends Omit<SpeechInput, 'input' | 'voice' | 'language'> {
  text: string
  language: string
  voice: VoiceRef
  voiceIdentity: string
  tenant: string
  /** The tenant's cache generation: a purge changes it, and with it every key. */
  generation: string
  key: string
  /**
   * False when the caller sent `Cache-Control: no-store`: nothing of the answer is read from
   * or written to any cache layer, and the whole text goes upstream as one call (speech/pieces).
   */
  store?: false
}

/** Fields every key shares; the text and kind differ between response and segment keys. */
function keyFields(p: Omit<PreparedSpeech, 'key'>, model: string) {
  return {
    v: 1,
    language: p.language,
    voice: p.voiceIdentity,
    model,
    sampleRate: XTTS_SAMPLE_RATE,
    speed: p.speed,
    tenant: p.tenant,
    // Only once purged, so keys from before generations existed (generation 0) still hold.
    ...(p.generation !== INITIAL_GENERATION.id ? { generation: p.generation } : {}),
  }
}

/** Cache key of a whole answer in `format`; pitch only when not 1, so older keys still hold. */
export function responseKey(p: Omit<PreparedSpeech, 'key'>, model: string): Promise<string> {
  const pitch = p.pitch !== undefined && p.pitch !== 1 ? { pitch: p.pitch } : {}
  return cacheKey({
    ...keyFields(p, model),
    ...pitch,
    kind: 'response',
    text: p.text,
    format: p.format,
  })
}

/**
 * Cache key of one sentence's PCM, whatever format it is later encoded to. `p.speed` is the
 * source speed (see `tempo.ts`); a segment is never pitch-shifted, so pitch is not in it.
 */
export function segmentKey(
  p: Omit<PreparedSpeech, 'key'>,
  model: string,
  sentence: string,
): Promise<string> {
  return cacheKey({ ...keyFields(p, model), kind: 'segment', text: sentence, format: 'pcm' })
}

/** Speaker identities per isolate, by upstream URL and speaker name. */
export const SPEAKER_MEMO_MAX = 512
export const SPEAKER_MEMO_TTL_MS = 5 * 60_000
let speakers = new LRUCache<string, string>({ max: SPEAKER_MEMO_MAX, ttl: SPEAKER_MEMO_TTL_MS })

/**
 * Forgets remembered speaker identities; with `now`, the memo's clock (tests use a fake one).
 *
 * @example
 * resetSpeakerMemo(() => fakeNow)
 */
export function resetSpeakerMemo(now?: () => number): void {
  speakers = new LRUCache<string, string>({
    max: SPEAKER_MEMO_MAX,
    ttl: SPEAKER_MEMO_TTL_MS,
    ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
  })
}

/** The 400 for a voice nobody offers, naming what is allowed. */
function unknownVoice(ctx: SpeechContext, voice: string, cause?: unknown): ProblemError {
  const named = Object.keys(ctx.settings.voiceMap)
  const names = named.length > 0 ? `an OpenAI name (${named.join(', ')}), ` : ''
  return new ProblemError(
    'unknown_voice',
    `voice ${JSON.stringify(voice)} is not a voice here; use ${names}a speaker of the upstream or a cloned voice id of this API key (GET /v1/voices lists them all)`,
    { details: { voices: named }, param: 'voice', ...(cause === undefined ? {} : { cause }) },
  )
}

/**
 * The voice a request names and its identity; a 400 naming the allowed voices when there is no
 * such voice. Every lookup by the caller's name is an own-property one: `constructor` or
 * `__proto__` is a name like any other, never something inherited.
 *
 * @example
 * await resolveVoice(ctx, 'alloy') // { ref: { kind: 'speaker', name: 'Claribel Dervla' }, identity: '…' }
 */
export async function resolveVoice(
  ctx: SpeechContext,
  voice: string,
): Promise<{ ref: VoiceRef; identity: string }> {
  if (isClonedVoiceId(voice)) {
    const stored = await loadVoice(ctx.env, ctx.principal.keyId, voice)
    if (!stored)
      throw new ProblemError('unknown_voice', `voice "${voice}" does not exist for this API key`)
    return {
      ref: { kind: 'latents', id: stored.id, latents: stored.latents },
      identity: stored.identity,
    }
  }
  // VOICE_MAP is per deployment: empty for an OpenAI-style upstream that knows OpenAI's names.
  const { voiceMap } = ctx.settings
  const name = Object.hasOwn(voiceMap, voice) ? (voiceMap[voice] as string) : voice
  const ref: VoiceRef = { kind: 'speaker', name }
  // JSON of the pair: no separator in a URL or a name can make two pairs one key.
  const local = JSON.stringify([ctx.settings.upstreamUrl, name])
  const remembered = speakers.get(local)
  if (remembered) return { ref, identity: remembered }
  // Speaker identities are kept in KV so a cold isolate can answer a hit without the upstream.
  const memo = `speaker:${await cacheKey({ url: ctx.settings.upstreamUrl, name })}`
  const known = await ctx.env.INDEX.get(memo)
  if (known) {
    speakers.set(local, known)
    return { ref, identity: known }
  }
  const identity = await ctx.synthesizer.voiceIdentity(ref, {}).catch((error: unknown) => {
    if ((error as { code?: unknown } | null)?.code === 'unknown_voice')
      throw unknownVoice(ctx, voice, error)
    throw error
  })
  speakers.set(local, identity)
  ctx.waitUntil(ctx.env.INDEX.put(memo, identity, { expirationTtl: 86_400 }))
  return { ref, identity }
}

/**
 * Prepares a request for the cache and the upstream.
 *
 * @example
 * const prepared = await prepareSpeech(ctx, { input: 'Hello.', voice: 'alloy', language: 'auto', format: 'mp3', speed: 1, stream: false })
 */
export async function prepareSpeech(
  ctx: SpeechContext,
  input: SpeechInput,
): Promise<PreparedSpeech> {
  const text = normalizeText(input.input)
  if (text === '')
    throw new ProblemError(
      'invalid_request',
      '`input` has no text to speak (no letters or digits): it is only whitespace or characters that are never spoken (controls, invisible formatting)',
    )
  checkNormalisedLength(text)
  checkSpeakable(text)
  const [language, voice] = await Promise.all([
    resolveLanguage(input.language, text, input.languageHint),
    resolveVoice(ctx, input.voice),
  ])
  const base = {
    text,
    language,
    voice: voice.ref,
    voiceIdentity: voice.identity,
    format: input.format,
    speed: input.speed,
    ...(input.pitch !== undefined ? { pitch: input.pitch } : {}),
    stream: input.stream,
    tenant: ctx.scope,
    generation: ctx.generation,
  }
  return { ...base, key: await responseKey(base, ctx.settings.upstreamModel) }
}
